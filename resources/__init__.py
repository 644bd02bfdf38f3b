"""Bundled data files: fonts, profiles, the sample catalog, translations, sounds."""
