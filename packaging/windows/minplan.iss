; Inno Setup script for Min Plan on Windows.
; Build the bundle first: pyinstaller packaging\minplan.spec  (gives dist\minplan\)
; then: iscc packaging\windows\minplan.iss
#define AppVersion "0.1.0"

[Setup]
AppId={{7D6C8F0E-5B7A-4C39-9D0E-6B1A2F9C4E11}
AppName=Min Plan
AppVersion={#AppVersion}
AppPublisher=Min Plan
DefaultDirName={autopf}\Min Plan
DefaultGroupName=Min Plan
OutputBaseFilename=minplan-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=lowest
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "danish"; MessagesFile: "compiler:Languages\Danish.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\..\dist\minplan\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Min Plan"; Filename: "{app}\minplan.exe"
Name: "{autodesktop}\Min Plan"; Filename: "{app}\minplan.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Run]
Filename: "{app}\minplan.exe"; Description: "{cm:LaunchProgram,Min Plan}"; Flags: nowait postinstall skipifsilent
