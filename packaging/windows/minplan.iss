; Inno Setup 6 script for Min Plan on Windows (see packaging/WINDOWS.md for IT).
;
; Build the bundle first (pyinstaller packaging\minplan.spec gives dist\minplan\ with minplan.exe
; and "Min Plan.exe"), then:   iscc packaging\windows\minplan.iss
; The version is not written here: it is read from minplan.exe's version resource, which the
; spec made from pyproject.toml (the one place the version is set). /DAppVersion=… overrides it.
;
; Silent install for software distribution (exit code 0 = installed; see WINDOWS.md):
;   minplan-X.Y.Z-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LOG="C:\Windows\Temp\minplan-setup.log"
; Per machine (Program Files) by default; /CURRENTUSER installs for the current user only.
; /DATABASEURL="postgresql+psycopg://@server/minplan" sets MINPLAN_DATABASE_URL for all users
; (a team server); /DATABASE="D:\MinPlan\minplan.db" sets MINPLAN_DB (a single-desk file).

#define AppName "Min Plan"
#define BundleDir "..\..\dist\minplan"
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(AddBackslash(SourcePath) + BundleDir + "\minplan.exe", "ProductVersion")
#endif
#if AppVersion == ""
  #error "No version: build dist\minplan first (its minplan.exe carries the version) or pass /DAppVersion=X.Y.Z"
#endif

[Setup]
; The AppId never changes: upgrades find and replace the earlier installation by it.
AppId={{7D6C8F0E-5B7A-4C39-9D0E-6B1A2F9C4E11}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Min Plan
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoProductVersion={#AppVersion}
VersionInfoDescription={#AppName} Setup
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=minplan-{#AppVersion}-setup
SetupIconFile=minplan.ico
UninstallDisplayIcon={app}\Min Plan.exe
UninstallDisplayName={#AppName} {#AppVersion}
Uninstallable=yes
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Per machine by default (needs administrator rights); per user when asked for in the dialog or
; with /CURRENTUSER on the command line.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Min Plan must not run while its files are replaced; Setup asks it to close (silently: closes it).
CloseApplications=yes
RestartApplications=no
CloseApplicationsFilter=*.exe,*.dll,*.pyd
; A machine-wide MINPLAN_DATABASE_URL / MINPLAN_DB reaches programs started after install.
ChangesEnvironment=yes

[Languages]
Name: "danish"; MessagesFile: "compiler:Languages\Danish.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
danish.CheckKeyStore=Kontrollér nøglelageret (Windows Legitimationsstyring)
english.CheckKeyStore=Check the key store (Windows Credential Manager)

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: files an older version had and this one has not (a Qt
; plugin, a Python module) must not stay behind in _internal and be loaded by mistake.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\Min Plan.exe"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\Min Plan.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Registry]
; Team server or a fixed database file for every user of the machine, when IT gives one.
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; ValueName: "MINPLAN_DATABASE_URL"; ValueData: "{param:DATABASEURL}"; Check: HasParam('DATABASEURL') and IsAdminInstallMode; Flags: uninsdeletevalue
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; ValueName: "MINPLAN_DB"; ValueData: "{param:DATABASE}"; Check: HasParam('DATABASE') and IsAdminInstallMode; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Environment"; ValueType: string; ValueName: "MINPLAN_DATABASE_URL"; ValueData: "{param:DATABASEURL}"; Check: HasParam('DATABASEURL') and not IsAdminInstallMode; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Environment"; ValueType: string; ValueName: "MINPLAN_DB"; ValueData: "{param:DATABASE}"; Check: HasParam('DATABASE') and not IsAdminInstallMode; Flags: uninsdeletevalue

[Run]
; The key store is per user: checked as the user who ran Setup, never as an administrator account.
Filename: "{app}\minplan.exe"; Parameters: "db keystore"; Description: "{cm:CheckKeyStore}"; Flags: postinstall runasoriginaluser waituntilterminated skipifsilent unchecked
Filename: "{app}\Min Plan.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall runasoriginaluser skipifsilent

[UninstallDelete]
; Only what Min Plan put in its own folder. Users' databases, keys and backups live in their
; profiles (%LOCALAPPDATA%\MinPlan) and are never removed by an uninstall.
Type: filesandordirs; Name: "{app}\_internal"

[Code]
function HasParam(Name: String): Boolean;
begin
  Result := ExpandConstant('{param:' + Name + '}') <> '';
end;
