"""Who may do what. Checked by the services, whatever the UI shows.

>>> allowed(Role.OFFICIAL, Permission.RECEIVE)
True
>>> allowed(Role.POSTAL, Permission.RECEIVE)
False
"""

from __future__ import annotations

from enum import StrEnum

from oneStop.domain.models import Role


class Permission(StrEnum):
    RECEIVE = "receive"  # record a dossier
    PROCESS = "process"  # move a dossier along its lifecycle (transfer, supplement, return …)
    PRINT = "print"  # print and reprint a dossier's forms
    VIEW_DOSSIERS = "view_dossiers"  # lists and details (personal data masked)
    VIEW_PERSONAL_DATA = "view_personal_data"  # unmasked ID numbers and phones
    MANAGE_USERS = "manage_users"
    MANAGE_CATALOG = "manage_catalog"
    MANAGE_SETTINGS = "manage_settings"
    SUPERVISE = "supervise"  # daily log, sign-off, reports
    HANDOVER = "handover"  # postal handover batches
    EXPORT = "export"  # catalog export, audit exports
    BACKUP = "backup"  # back up and restore the local database, diagnostics bundles

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Permission.RECEIVE: "tiếp nhận hồ sơ",
    Permission.PROCESS: "cập nhật quá trình giải quyết hồ sơ",
    Permission.PRINT: "in phiếu của hồ sơ",
    Permission.VIEW_DOSSIERS: "xem hồ sơ",
    Permission.VIEW_PERSONAL_DATA: "xem đầy đủ dữ liệu cá nhân",
    Permission.MANAGE_USERS: "quản lý người dùng",
    Permission.MANAGE_CATALOG: "quản lý danh mục thủ tục",
    Permission.MANAGE_SETTINGS: "thay đổi thiết lập",
    Permission.SUPERVISE: "giám sát, duyệt sổ theo dõi",
    Permission.HANDOVER: "bàn giao với bưu chính",
    Permission.EXPORT: "xuất dữ liệu",
    Permission.BACKUP: "sao lưu, khôi phục dữ liệu",
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OFFICIAL: frozenset(
        {
            Permission.RECEIVE,
            Permission.PROCESS,
            Permission.PRINT,
            Permission.VIEW_DOSSIERS,
            Permission.VIEW_PERSONAL_DATA,
            Permission.HANDOVER,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Permission.PROCESS,
            Permission.PRINT,
            Permission.VIEW_DOSSIERS,
            Permission.SUPERVISE,
            Permission.EXPORT,
        }
    ),
    Role.POSTAL: frozenset({Permission.HANDOVER, Permission.VIEW_DOSSIERS}),
    Role.ADMIN: frozenset(Permission),
}


def allowed(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
