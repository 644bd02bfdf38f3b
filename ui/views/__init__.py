"""The main window's pages: reception, the dossier list, a dossier's detail."""
