"""The core's errors: a small hierarchy in the python-stdnum manner.

Every error carries a Vietnamese sentence for the person at the counter (``str(err)``) and,
for validation errors, the field it is about (``err.field``, a key such as ``"citizen_id"``,
and ``err.label``, the field's Vietnamese name). The UI may translate by type
(``ui/errors.py``); the command line prints ``str(err)``.

>>> err = InvalidCitizenId("citizen_id", "phải gồm 12 chữ số")
>>> str(err)
'Số định danh cá nhân (CCCD): phải gồm 12 chữ số'
>>> err.field
'citizen_id'
"""

from __future__ import annotations

#: Vietnamese names of the fields that validation messages name.
FIELD_LABELS: dict[str, str] = {
    "applicant_name": "Họ tên người nộp",
    "owner_name": "Họ tên chủ hồ sơ",
    "organisation": "Tên tổ chức",
    "citizen_id": "Số định danh cá nhân (CCCD)",
    "owner_citizen_id": "Số định danh chủ hồ sơ",
    "owner_phone": "Số điện thoại chủ hồ sơ",
    "owner_email": "Thư điện tử chủ hồ sơ",
    "owner_address": "Địa chỉ chủ hồ sơ",
    "authorisation": "Văn bản ủy quyền",
    "phone": "Số điện thoại",
    "email": "Thư điện tử",
    "address": "Địa chỉ",
    "delivery_address": "Địa chỉ nhận kết quả qua bưu chính",
    "procedure": "Thủ tục hành chính",
    "procedure_code": "Mã thủ tục",
    "procedure_name": "Tên thủ tục",
    "field": "Lĩnh vực",
    "agency": "Cơ quan giải quyết",
    "processing_days": "Thời hạn giải quyết (ngày làm việc)",
    "processing_hours": "Thời hạn giải quyết (giờ làm việc)",
    "fee": "Phí, lệ phí",
    "documents": "Thành phần hồ sơ",
    "document_name": "Tên giấy tờ",
    "document_form": "Hình thức giấy tờ",
    "document_count": "Số lượng giấy tờ",
    "sets": "Số lượng hồ sơ (bộ)",
    "channel": "Kênh tiếp nhận",
    "cross_boundary": "Tiếp nhận không phụ thuộc địa giới hành chính",
    "return_method": "Hình thức nhận kết quả",
    "notes": "Ghi chú",
    "received_at": "Thời gian nhận hồ sơ",
    "agency_code": "Mã định danh điện tử của cơ quan",
    "agency_name": "Tên cơ quan tiếp nhận",
    "managing_agency": "Cơ quan chủ quản",
    "lookup_url": "Địa chỉ tra cứu hồ sơ",
    "hotline": "Đường dây nóng",
    "province": "Tỉnh, thành phố",
    "counter": "Số quầy",
    "username": "Tên đăng nhập",
    "password": "Mật khẩu",
    "full_name": "Họ và tên",
    "role": "Vai trò",
    "dossier_code": "Mã hồ sơ",
    "date": "Ngày",
    "attachment": "Tệp đính kèm",
    "paper": "Khổ giấy",
    "setting": "Thiết lập",
    "reason": "Lý do",
    "to_agency": "Cơ quan nhận hồ sơ",
    "from_agency": "Cơ quan giao",
    "shared_with": "Cơ quan được chia sẻ hồ sơ",
    "supervisor_role": "Tên vai trò giám sát",
    "new_due_at": "Ngày hẹn trả mới",
    "method": "Hình thức trả kết quả",
    "collected_by": "Họ tên người nhận kết quả",
    "collected_id": "Giấy tờ tùy thân của người nhận kết quả",
    "at": "Thời điểm",
    "transition": "Thao tác",
    "amount": "Số tiền",
    "out": "Tệp kết quả",
    "format": "Định dạng",
    "period": "Kỳ báo cáo",
    "tracking": "Số hiệu bưu gửi",
    "recipient": "Người nhận",
    "batch": "Lô bàn giao",
    "postal_unit": "Đơn vị bưu chính",
    "staff_name": "Họ tên nhân viên bưu chính",
    "staff_id": "Mã nhân viên bưu chính",
    "direction": "Chiều bàn giao",
    "central_url": "Địa chỉ cơ sở dữ liệu trung tâm",
    "backup.folder": "Thư mục sao lưu",
    "passphrase": "Cụm mật khẩu sao lưu",
    "scan": "Mã quét",
    "status": "Trạng thái",
    "profile": "Bộ quy định (biểu mẫu)",
    # events from another counter, a USB file or a backup (oneStop.domain.vocabulary)
    "event_kind": "Loại sự kiện",
    "payload": "Nội dung sự kiện",
    "dossier_id": "Mã định danh hồ sơ",
    "event_id": "Mã sự kiện",
    "due_at": "Ngày hẹn trả",
    "previous_due_at": "Ngày hẹn trả trước đó",
    "received_by": "Người tiếp nhận",
    "register_volume": "Quyển sổ theo dõi",
    "register_number": "Số thứ tự trong sổ theo dõi",
    "copies": "Số liên",
    "form": "Biểu mẫu",
    "active": "Tình trạng tài khoản",
    "seq_through": "Số thứ tự sự kiện",
    "decision": "Cách giải quyết",
    "signature": "Chữ ký số của quầy",
    "actor": "Người thực hiện",
    "public_key": "Khóa công khai của quầy",
    "usb_file": "Tệp sự kiện mang bằng USB",
    "catalog_file": "Tệp danh mục thủ tục",
    "search": "Từ khóa tìm kiếm",
    "limit": "Số dòng tối đa",
    "days": "Số ngày làm việc",
    "hours": "Số giờ làm việc",
    "storage": "Cơ sở dữ liệu",
}


class OneStopError(Exception):
    """Base class of every error the core raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- validation ---------------------------------------------------------------------------


class ValidationError(OneStopError):
    """An input is not acceptable. ``field`` names it; the message names it in Vietnamese."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.label = FIELD_LABELS.get(field, field)
        self.problem = problem
        super().__init__(f"{self.label}: {problem}")


class InvalidLength(ValidationError):
    """Too long or empty where a value is required."""


class InvalidFormat(ValidationError):
    """The value has the wrong shape."""


class InvalidCitizenId(ValidationError):
    """Not a structurally valid citizen ID (số định danh cá nhân) or legacy CMND."""


class InvalidPhone(ValidationError):
    """Not a Vietnamese phone number."""


class InvalidEmail(ValidationError):
    """Not an e-mail address."""


class InvalidAgencyCode(ValidationError):
    """Not an electronic agency identifier (QCVN 102:2016)."""


class InvalidDossierCode(ValidationError):
    """Not a dossier code of the form <agency>-<yymmdd or yyyymmdd>-<sequence>."""


class ValidationErrors(OneStopError):
    """Several fields failed at once; ``errors`` lists them in form order."""

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


# --- look-ups --------------------------------------------------------------------------------


class NotFound(OneStopError):
    """Something named does not exist."""


class DossierNotFound(NotFound):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"Không tìm thấy hồ sơ có mã {code}")


class ProcedureNotFound(NotFound):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"Thủ tục hành chính: không có thủ tục mã {code} trong danh mục")


class UserNotFound(NotFound):
    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"Không có người dùng {username}")


# --- permissions and authentication ----------------------------------------------------------


class PermissionDenied(OneStopError):
    def __init__(self, username: str, action: str) -> None:
        self.username = username
        self.action = action
        super().__init__(f"Người dùng {username} không có quyền {action}")


class AuthenticationFailed(OneStopError):
    def __init__(self) -> None:
        super().__init__("Tên đăng nhập hoặc mật khẩu không đúng")


class LoginThrottled(OneStopError):
    """Too many failed sign-ins in a row (for this user or on this PC): wait before trying again.

    >>> str(LoginThrottled(150))
    'Đăng nhập sai quá nhiều lần liên tiếp: hãy chờ 2 phút 30 giây rồi thử lại.'
    """

    def __init__(self, wait_seconds: int) -> None:
        self.wait_seconds = wait_seconds
        minutes, seconds = divmod(max(1, int(wait_seconds)), 60)
        wait = " ".join(part for part in (f"{minutes} phút" if minutes else "", f"{seconds} giây" if seconds else "")
                        if part)
        super().__init__(f"Đăng nhập sai quá nhiều lần liên tiếp: hãy chờ {wait} rồi thử lại.")


class UserDisabled(OneStopError):
    def __init__(self, username: str) -> None:
        super().__init__(f"Tài khoản {username} đã bị khóa")


# --- state -------------------------------------------------------------------------------------


class NotSetUp(OneStopError):
    def __init__(self) -> None:
        super().__init__(
            "Chương trình chưa được thiết lập: hãy chạy thiết lập ban đầu "
            "(cơ quan, số quầy, quản trị viên)"
        )


class AlreadySetUp(OneStopError):
    def __init__(self) -> None:
        super().__init__("Chương trình đã được thiết lập cho cơ quan này")


class SequenceExhausted(OneStopError):
    """The counter has issued the last dossier number of its block for the day."""

    def __init__(self, counter: int, day: str, first: int, last: int) -> None:
        self.counter, self.day, self.first, self.last = counter, day, first, last
        super().__init__(
            f"Quầy số {counter} đã cấp hết dãy số hồ sơ của ngày {day} "
            f"({first:04d}–{last:04d}). Không thể cấp thêm mã hồ sơ trong ngày; "
            "hãy báo quản trị viên điều chỉnh khối số của các quầy."
        )


class DuplicateEntry(OneStopError):
    """A unique thing already exists (a username, a procedure code …)."""


class StorageProblem(OneStopError):
    """The disk or the database cannot take the write (full, read-only, locked)."""


class ErrorCollector:
    """Run validators one after another and keep every ValidationError, to report them all.

    >>> errors = ErrorCollector()
    >>> def bad(v): raise InvalidFormat("phone", "sai")
    >>> errors.run(bad, "x") is None
    True
    >>> errors.raise_if_any()
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.ValidationErrors: Số điện thoại: sai
    """

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def run(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        """``fn(*args, **kwargs)``, or None with its validation error(s) kept: a validator that
        itself collects (and raises :class:`ValidationErrors`) adds every one of its errors."""
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            self.errors.append(exc)
        except ValidationErrors as exc:
            self.errors.extend(exc.errors)
        return None

    def add(self, error: ValidationError) -> None:
        self.errors.append(error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationErrors(self.errors)
