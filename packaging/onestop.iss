; Inno Setup 6 script (UTF-8 with a byte-order mark, as ISCC needs for the Vietnamese texts): the oneStop installer for Windows (64-bit, per machine).
;
;   pyinstaller --noconfirm --clean --distpath dist --workpath build packaging\onestop.spec
;   iscc /DAppVersion=0.1.0 packaging\onestop.iss
;
; AppVersion is the package's version (oneStop.__version__); .github/workflows/windows-build.yml
; passes it. BuildDir (the PyInstaller folder) and OutputDir may be passed the same way; relative
; paths are relative to this file.
;
; The program is installed in Program Files for every user of the PC. Nothing a user makes is
; ever written there: each Windows user's data (database, scanned attachments) lives in
; %LOCALAPPDATA%\oneStop and the logs in %LOCALAPPDATA%\oneStop\Logs, both created by the
; program on first start. Uninstalling removes the program folder only; the data stays.
;
; Vietnamese wizard texts: Inno Setup ships no official Vietnamese translation. The build
; places Inno Setup's user-contributed Vietnamese.isl next to this file; without it the
; installer is English only.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z packaging\onestop.iss
#endif
#ifndef BuildDir
  #define BuildDir "..\dist\onestop"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist\installer"
#endif
#define AppName "oneStop"
#define GuiExe "onestop.exe"
#define CliExe "onestop-cli.exe"
#if FileExists(AddBackslash(SourcePath) + "Vietnamese.isl")
  #define HaveVietnamese
#endif

[Setup]
; The AppId identifies the program across versions (upgrades replace, never duplicate): never change it.
AppId={{4F8C2A1E-7B3D-4C59-9E0A-2D6B1F7A3C85}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
AppComments=Tiếp nhận và trả kết quả hồ sơ tại Bộ phận Một cửa
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=onestop-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
CloseApplications=yes
RestartApplications=no
UninstallDisplayName={#AppName} {#AppVersion}
UninstallDisplayIcon={app}\{#GuiExe}

[Languages]
#ifdef HaveVietnamese
Name: "vi"; MessagesFile: "Vietnamese.isl"
#endif
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
#ifdef HaveVietnamese
vi.SelfCheck=Tự kiểm tra oneStop
vi.SelfCheckComment=Kiểm tra bản cài đặt: dữ liệu, phông chữ, danh mục, in phiếu và mã vạch
vi.AppComment=Tiếp nhận và trả kết quả hồ sơ một cửa
vi.Shortcuts=Lối tắt:
vi.DesktopShortcut=Tạo biểu tượng trên màn hình nền
vi.StartNow=Mở oneStop
#endif
en.SelfCheck=oneStop self-check
en.SelfCheckComment=Check the installation: data, fonts, catalog, receipt printing and barcodes
en.AppComment=One-stop counter: receiving dossiers and returning results
en.Shortcuts=Shortcuts:
en.DesktopShortcut=Create a desktop shortcut
en.StartNow=Start oneStop

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopShortcut}"; GroupDescription: "{cm:Shortcuts}"

[InstallDelete]
; an upgrade replaces the whole program folder: no library of the previous version stays behind
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Comment: "{cm:AppComment}"
Name: "{group}\{cm:SelfCheck}"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" selfcheck"; Comment: "{cm:SelfCheckComment}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Comment: "{cm:AppComment}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:StartNow}"; Flags: nowait postinstall skipifsilent runasoriginaluser

; No [UninstallDelete] and no [Dirs] outside {app}: the users' data folders are theirs to keep.
