"""The Windows installer script and its workflow agree with the spec, the package and each
other (Inno Setup and Windows are not here: the workflow runs them on a Windows runner)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from oneStop import __version__

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "packaging" / "onestop.iss"
SPEC = ROOT / "packaging" / "onestop.spec"
WORKFLOW = ROOT / ".github" / "workflows" / "windows-build.yml"


def _iss() -> str:
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "ISCC reads UTF-8 (the Vietnamese texts) only with a byte-order mark"
    return raw.decode("utf-8-sig")


def _sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        if re.fullmatch(r"\[\w+\]", stripped):
            current = stripped[1:-1]
            sections[current] = []
        else:
            sections.setdefault(current, []).append(stripped)
    return sections


def _defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'#define (\w+)(?: "([^"]*)")?', text))


def test_the_installer_installs_the_folder_the_spec_builds():
    text = _iss()
    defines = _defines(text)
    spec = SPEC.read_text(encoding="utf-8")
    assert f'executable("{defines["GuiExe"].removesuffix(".exe")}", console=False)' in spec
    assert f'executable("{defines["CliExe"].removesuffix(".exe")}", console=True)' in spec
    collect_name = re.search(r'COLLECT\((?:.|\n)*?name="([^"]+)"', spec).group(1)  # type: ignore[union-attr]
    assert defines["BuildDir"] == rf"..\dist\{collect_name}"
    files = _sections(text)["Files"]
    assert files == ['Source: "{#BuildDir}\\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs']


def test_per_machine_install_and_user_data_left_alone():
    text = _iss()
    setup = dict(line.split("=", 1) for line in _sections(text)["Setup"] if "=" in line and not line.startswith("#"))
    assert setup["DefaultDirName"] == "{autopf}\\{#AppName}"
    assert setup["PrivilegesRequired"] == "admin"
    assert setup["AppVersion"] == "{#AppVersion}"
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", setup["AppId"])
    sections = _sections(text)
    assert "UninstallDelete" not in sections and "Dirs" not in sections
    for per_user in ("{localappdata}", "{userappdata}", "{userdocs}", "{commonappdata}"):
        assert per_user not in text.lower(), per_user
    icons = "\n".join(sections["Icons"])
    assert "{group}\\{#AppName}" in icons and "{autodesktop}\\{#AppName}" in icons
    assert "Tasks: desktopicon" in icons


def test_every_message_the_installer_shows_exists_in_both_languages():
    text = _iss()
    used = set(re.findall(r"\{cm:(\w+)\}", text))
    messages = _sections(text)["CustomMessages"]
    english = {m.split("=", 1)[0][3:] for m in messages if m.startswith("en.")}
    vietnamese = {m.split("=", 1)[0][3:] for m in messages if m.startswith("vi.")}
    assert used and used <= english
    assert vietnamese == english
    assert '#if FileExists(AddBackslash(SourcePath) + "Vietnamese.isl")' in text
    languages = _sections(text)["Languages"]
    assert 'Name: "en"; MessagesFile: "compiler:Default.isl"' in languages


def test_every_preprocessor_name_is_defined_or_passed():
    text = _iss()
    defined = set(_defines(text)) | {"AppVersion"}  # AppVersion comes from the command line
    used = set(re.findall(r"\{#(\w+)\}", text))
    assert used <= defined, used - defined
    assert "#error Pass the version" in text


def test_the_package_version_is_one_inno_setup_takes():
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__), "VersionInfoVersion takes only numbers"


def test_the_workflow_builds_checks_and_packages_with_these_files():
    workflow = WORKFLOW.read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in workflow
    assert 'python-version: "3.11"' in workflow
    assert 'pip install -e ".[build]"' in workflow
    assert "packaging/onestop.spec" in workflow and "packaging\\onestop.iss" in workflow
    assert "/DAppVersion=${{ steps.version.outputs.version }}" in workflow
    assert "dist\\onestop\\onestop-cli.exe selfcheck" in workflow
    assert "actions/upload-artifact" in workflow
    assert "\t" not in workflow
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = pyproject["project"]["optional-dependencies"]
    pinned = [d for d in extras["test"] if d.startswith("pyinstaller==")]
    assert pinned and extras["build"] == pinned
