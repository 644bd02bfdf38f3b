"""The command line: a thin layer over the services.

``onestop`` with no command starts the desktop program (the ``ui`` package hands its starter
in, so the core never imports Qt). Errors go to stderr in Vietnamese with a non-zero exit;
nothing is written on error.

The command line trusts the operating-system account that can open the data folder: it takes
``--user`` without a password, and checks that user's role in the core like every other call.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import re
import sys
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from oneStop import __version__, logs
from oneStop.domain import money
from oneStop.domain.clock import to_local
from oneStop.domain.errors import NotSetUp, OneStopError, ProcedureNotFound, UserNotFound, ValidationError
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import (
    Applicant,
    AttachmentDraft,
    Channel,
    DocumentForm,
    Dossier,
    DossierDraft,
    Event,
    Procedure,
    ReceivedDocument,
    ReturnMethod,
    Role,
    User,
)

log = logging.getLogger(__name__)

EXIT_ERROR = 1
EXIT_USAGE = 2
LIST_LIMIT_MAX = 100_000


# --- JSON views ---------------------------------------------------------------------------------


def dossier_json(d: Dossier) -> dict[str, Any]:
    return {
        "id": str(d.id),
        "code": d.code,
        "status": d.status.value,
        "status_code": d.status.national_code,
        "received_at": to_local(d.received_at).isoformat(),
        "due_at": to_local(d.due_at).isoformat(),
        "procedure": asdict(d.procedure),
        "applicant": asdict(d.applicant),
        "owner": asdict(d.owner) if d.owner else None,
        "authorisation": d.authorisation,
        "channel": d.channel.value,
        "sets": d.sets,
        "documents": [{"name": x.name, "form": x.form.value, "count": x.count, "from_data": x.from_data}
                      for x in d.documents],
        "fee": d.fee,
        "fee_collected": [{"amount": f.amount, "at": to_local(f.at).isoformat(), "stage": f.stage.value,
                           "stage_code": f.stage.national_code, "channel": f.channel.value} for f in d.fee_collected],
        "cross_boundary": d.cross_boundary,
        "return_method": d.return_method.value,
        "delivery_address": d.delivery_address,
        "priority": d.priority,
        "priority_reason": d.priority_reason,
        "notes": d.notes,
        "attachments": [asdict(a) for a in d.attachments],
        "received_by": d.received_by,
        "counter": d.counter,
        "register": {"volume": d.register_volume, "number": d.register_number},
        "profile": d.profile_id,
        "postal_tracking": d.postal_tracking,
        "print_count": d.print_count,
        "reprint_count": d.reprint_count,
        "synced": d.synced,
        "processing_agency": d.processing_agency,
        "transferred_at": _iso(d.transferred_at),
        "result_at": _iso(d.result_at),
        "returned_at": _iso(d.returned_at),
        "finished_at": _iso(d.finished_at),
        "supplement_count": d.supplement_count,
        "paused_seconds": d.paused_seconds,
        "apology_count": d.apology_count,
        "original_due_at": _iso(d.original_due_at),
    }


def _iso(value: datetime | None) -> str | None:
    return to_local(value).isoformat() if value else None


def event_json(e: Event) -> dict[str, Any]:
    return {
        "id": str(e.id),
        "kind": e.kind,
        "counter_id": e.counter_id,
        "seq": e.seq,
        "actor": e.actor,
        "device_time": e.device_time.isoformat(),
        "business_time": e.business_time.isoformat(),
        "payload": dict(e.payload),
    }


def procedure_json(p: Procedure) -> dict[str, Any]:
    data = asdict(p)
    data["documents"] = [
        {"name": d.name, "form": d.form.value, "count": d.count, "mandatory": d.mandatory, "from_data": d.from_data}
        for d in p.documents
    ]
    data["fees"] = {channel.value: amount for channel, amount in p.fees}
    data["cross_boundary_from"] = p.cross_boundary_from.isoformat() if p.cross_boundary_from else None
    return data


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# --- the parser -----------------------------------------------------------------------------


# argparse's own sentences, in Vietnamese (the ones a user can meet: a developer's mistake in
# building the parser is not among them).
_ARGPARSE_SENTENCES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words) for pattern, words in (
        (r"^the following arguments are required: (.*)$", r"thiếu tham số bắt buộc: \1"),
        (r"^argument (.*?): invalid choice: (.*) \(choose from (.*)\)$",
         r"tham số \1: không có lựa chọn \2 (chọn một trong: \3)"),
        (r"^argument (.*?): invalid (\S+) value: (.*)$", r"tham số \1: giá trị không hợp lệ: \3"),
        (r"^argument (.*?): expected one argument$", r"tham số \1: cần một giá trị"),
        (r"^argument (.*?): expected at most one argument$", r"tham số \1: chỉ nhận nhiều nhất một giá trị"),
        (r"^argument (.*?): expected at least one argument$", r"tham số \1: cần ít nhất một giá trị"),
        (r"^argument (.*?): expected (\d+) arguments?$", r"tham số \1: cần \2 giá trị"),
        (r"^argument (.*?): not allowed with argument (.*)$", r"tham số \1: không dùng cùng \2"),
        (r"^argument (.*?): ignored explicit argument (.*)$", r"tham số \1: không nhận giá trị \2"),
        (r"^argument (.*?): (.*)$", r"tham số \1: \2"),
        (r"^unrecognized arguments: (.*)$", r"tham số không nhận ra: \1"),
        (r"^one of the arguments (.*) is required$", r"cần một trong các tham số: \1"),
        (r"^ambiguous option: (.*) could match (.*)$", r"tùy chọn \1 không rõ: có thể là \2"),
        (r"^unexpected option string: (.*)$", r"tùy chọn không mong đợi: \1"),
    )
)


def _in_vietnamese(message: str) -> str:
    """argparse's error ``message`` in Vietnamese (unchanged if it is one of ours already).

    >>> _in_vietnamese("the following arguments are required: --user, --name")
    'thiếu tham số bắt buộc: --user, --name'
    >>> _in_vietnamese("argument --role: invalid choice: 'root' (choose from 'admin', 'official')")
    "tham số --role: không có lựa chọn 'root' (chọn một trong: 'admin', 'official')"
    """
    for pattern, words in _ARGPARSE_SENTENCES:
        if pattern.match(message):
            return pattern.sub(words, message, count=1)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "cách dùng: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        for action in self._actions:
            if action.dest == "help":
                action.help = "in hướng dẫn này rồi thoát"

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"onestop: lỗi: {_in_vietnamese(message)}\n")
        raise SystemExit(EXIT_USAGE)


def _whole_number(text: str) -> int:
    """An argparse type: a whole number written in digits (a sign allowed); the service bounds it."""
    digits = text.strip().removeprefix("-").removeprefix("+")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 100:
        raise argparse.ArgumentTypeError(f"phải là một số nguyên, không phải {text!r}")
    return int(text)


def _money(text: str) -> int:
    """An argparse type: whole đồng from 0 to money.MAX_DONG."""
    try:
        return money.validate(text, "amount")
    except ValidationError as e:
        raise argparse.ArgumentTypeError(f"{e.problem}, không phải {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="onestop", description="oneStop: tiếp nhận và trả kết quả hồ sơ tại Bộ phận Một cửa")
    p.add_argument("--version", action="version", version=f"oneStop {__version__}")
    p.add_argument("--data-dir", type=Path, help="thư mục dữ liệu (mặc định: thư mục dữ liệu của người dùng)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    s = sub.add_parser("setup", help="thiết lập ban đầu: cơ quan, quầy, quản trị viên")
    s.add_argument("--agency-code", required=True, help="mã định danh điện tử, ví dụ G12.18.112.001 (dạng cũ: 000.17.22.H56)")
    s.add_argument("--agency-name", required=True, help="tên bộ phận tiếp nhận")
    s.add_argument("--managing-agency", help="cơ quan chủ quản (mặc định: như tên cơ quan)")
    s.add_argument("--province", default="", help="tỉnh, thành phố")
    s.add_argument("--place", default="", help="địa danh ghi trên phiếu")
    s.add_argument("--counter", type=_whole_number, required=True, help="số quầy của máy này")
    s.add_argument("--admin", required=True, help="tên đăng nhập của quản trị viên")
    s.add_argument("--admin-name", default="Quản trị viên", help="họ tên quản trị viên")
    s.add_argument("--no-sample-catalog", action="store_true", help="không nạp danh mục thủ tục mẫu")
    s.add_argument("--lookup-url", default="", help="trang tra cứu hồ sơ in trên phiếu, ví dụ https://dichvucong.gov.vn")
    s.add_argument("--hotline", default="", help="đường dây nóng in trên phiếu, ví dụ 0237 3852 123 hoặc 1900 xxxx")

    ag = sub.add_parser("agency", help="cơ quan: tên, trang tra cứu, đường dây nóng").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    ags = ag.add_parser("set", help="đổi trang tra cứu hồ sơ và/hoặc đường dây nóng in trên phiếu "
                                    "(gửi đến các quầy khác của cơ quan khi đồng bộ; \"\" để bỏ)")
    ags.add_argument("--lookup-url", help="trang tra cứu hồ sơ, http:// hoặc https://, tối đa 200 ký tự")
    ags.add_argument("--hotline", help="số điện thoại hoặc số tổng đài 1800/1900")
    ags.add_argument("--by", help="quản trị viên thực hiện (mặc định: quản trị viên đầu tiên)")
    agw = ag.add_parser("show", help="thông tin cơ quan in trên phiếu")
    agw.add_argument("--json", action="store_true")

    u = sub.add_parser("users", help="người dùng").add_subparsers(dest="action", required=True, parser_class=_Parser)
    ua = u.add_parser("add", help="thêm người dùng (mật khẩu từ ONESTOP_PASSWORD hoặc nhập)")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=[r.value for r in Role])
    ua.add_argument("--full-name", required=True)
    ua.add_argument("--by", help="quản trị viên thực hiện (mặc định: quản trị viên đầu tiên)")
    ul = u.add_parser("list", help="danh sách người dùng")
    ul.add_argument("--by")
    ul.add_argument("--json", action="store_true")
    for action, words in (("lock", "khóa tài khoản: người dùng không đăng nhập được nữa"),
                          ("unlock", "mở khóa tài khoản")):
        uk = u.add_parser(action, help=words)
        uk.add_argument("username")
        uk.add_argument("--by", help="quản trị viên thực hiện (mặc định: quản trị viên đầu tiên)")
    up = u.add_parser("password", help="đổi mật khẩu của mình (hỏi mật khẩu hiện tại: ONESTOP_PASSWORD hoặc nhập) "
                                       "hoặc đặt lại mật khẩu của người khác; mật khẩu mới từ "
                                       "ONESTOP_NEW_PASSWORD hoặc nhập")
    up.add_argument("username", nargs="?", help="người dùng cần đặt lại mật khẩu (mặc định: chính người --by)")
    up.add_argument("--by", help="người thực hiện (mặc định: quản trị viên đầu tiên)")

    c = sub.add_parser("catalog", help="danh mục thủ tục").add_subparsers(dest="action", required=True, parser_class=_Parser)
    ci = c.add_parser("import", help="nhập danh mục từ CSV hoặc XLSX")
    ci.add_argument("file", type=Path)
    ci.add_argument("--by")
    ce = c.add_parser("export", help="xuất danh mục ra CSV hoặc XLSX")
    ce.add_argument("file", type=Path)
    ce.add_argument("--by")
    cl = c.add_parser("list", help="tìm thủ tục")
    cl.add_argument("--search", default="")
    cl.add_argument("--json", action="store_true")

    k = sub.add_parser("calendar", help="lịch làm việc: ngày nghỉ, ngày làm bù").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    ks = k.add_parser("set", help="đặt một ngày nghỉ thêm hoặc ngày làm việc bù")
    ks.add_argument("day", type=date.fromisoformat, help="YYYY-MM-DD")
    kind = ks.add_mutually_exclusive_group(required=True)
    kind.add_argument("--off", dest="kind", action="store_const", const="off", help="ngày nghỉ")
    kind.add_argument("--work", dest="kind", action="store_const", const="work", help="ngày làm việc bù")
    ks.add_argument("--note", default="")
    ks.add_argument("--by")
    kr = k.add_parser("remove", help="bỏ một ngày khỏi bảng điều chỉnh")
    kr.add_argument("day", type=date.fromisoformat)
    kr.add_argument("--by")
    kl = k.add_parser("list", help="bảng điều chỉnh và ngày làm việc")
    kl.add_argument("--json", action="store_true")
    kd = k.add_parser("due", help="tính ngày hẹn trả")
    kd.add_argument("--days", type=_whole_number, required=True)
    kd.add_argument("--hours", type=_whole_number, default=0)
    kd.add_argument("--from", dest="start", help="thời điểm nhận, ISO-8601 (mặc định: bây giờ)")

    r = sub.add_parser("receive", help="tiếp nhận một hồ sơ")
    r.add_argument("--user", required=True)
    r.add_argument("--procedure", required=True, help="mã thủ tục")
    r.add_argument("--name", required=True, help="họ tên người nộp (hoặc tên tổ chức)")
    r.add_argument("--organisation", action="store_true", help="người nộp là tổ chức")
    r.add_argument("--tax-code", default="")
    r.add_argument("--citizen-id", default="")
    r.add_argument("--phone", default="")
    r.add_argument("--email", default="")
    r.add_argument("--address", default="")
    r.add_argument("--owner-name", default="", help="chủ hồ sơ, nếu khác người nộp")
    r.add_argument("--owner-citizen-id", default="")
    r.add_argument("--owner-address", default="")
    r.add_argument("--owner-phone", default="")
    r.add_argument("--owner-email", default="")
    r.add_argument("--authorisation", default="", metavar="VĂN BẢN",
                   help="văn bản ủy quyền khi nộp thay chủ hồ sơ, ví dụ \"Giấy ủy quyền số 12/UQ ngày 01/12/2026\"")
    r.add_argument("--channel", choices=[c.value for c in Channel], default="direct",
                   help="direct: trực tiếp; postal: bưu chính công ích; online: trực tuyến; vneid: qua VNeID; "
                        "assisted: trực tuyến có hỗ trợ tại quầy")
    r.add_argument("--document", action="append", default=None, metavar="TÊN[:HÌNH THỨC[:SỐ LƯỢNG]]",
                   help="giấy tờ người nộp đã nộp (lặp lại được); không ghi: các giấy tờ bắt buộc của thủ tục")
    r.add_argument("--cross-boundary", action="store_true",
                   help="tiếp nhận không phụ thuộc địa giới hành chính (thủ tục phải thuộc danh mục)")
    r.add_argument("--return-by-post", action="store_true")
    r.add_argument("--delivery-address", default="")
    r.add_argument("--sets", type=_whole_number, default=1)
    r.add_argument("--fee", type=_money, help="phí, lệ phí (đồng); mặc định theo thủ tục và kênh tiếp nhận")
    r.add_argument("--priority", action="store_true", help="ưu tiên (người cao tuổi, khuyết tật …)")
    r.add_argument("--priority-reason", default="")
    r.add_argument("--notes", default="")
    r.add_argument("--tracking", default="", help="số hiệu bưu gửi")
    r.add_argument("--handover-batch", help="lô nhận hồ sơ từ bưu chính (cần --tracking)")
    r.add_argument("--postal-fee", type=_money, default=0, help="phí bưu chính thu hộ (đồng)")
    r.add_argument("--slip-originals", type=_whole_number, help="số bản chính ghi trên phiếu bưu chính")
    r.add_argument("--slip-copies", type=_whole_number, help="số bản sao ghi trên phiếu bưu chính")
    r.add_argument("--attach", type=Path, action="append", default=[], help="tệp scan đính kèm (lặp lại được)")
    r.add_argument("--received-at", help="thời điểm nhận, ISO-8601 (mặc định: bây giờ)")
    r.add_argument("--json", action="store_true")

    d = sub.add_parser("dossier", help="hồ sơ").add_subparsers(dest="action", required=True, parser_class=_Parser)
    ds = d.add_parser("show", help="một hồ sơ và lịch sử của nó")
    ds.add_argument("code")
    ds.add_argument("--user")
    ds.add_argument("--json", action="store_true")
    dl = d.add_parser("list", help="danh sách hồ sơ")
    dl.add_argument("--date", type=date.fromisoformat)
    dl.add_argument("--search", default="")
    dl.add_argument("--user")
    dl.add_argument("--limit", type=_whole_number, default=1000)
    dl.add_argument("--json", action="store_true")

    t = sub.add_parser("transition", help="cập nhật quá trình giải quyết hồ sơ (chuyển, bổ sung, trả kết quả …)")
    t.add_argument("code", help="mã hồ sơ")
    t.add_argument("--user", required=True)
    t.add_argument("--to", required=True, choices=[x.value for x in Transition], help="thao tác")
    t.add_argument("--reason", help="lý do (bổ sung, từ chối, xin lỗi, dừng, rút)")
    t.add_argument("--at-applicants-request", action="store_true",
                   help="dừng giải quyết theo đề nghị của người nộp (nơi tiếp nhận ghi; in Thông báo dừng: print form stop)")
    t.add_argument("--agency", help="cơ quan nhận (chuyển) hoặc cơ quan giao kết quả")
    t.add_argument("--document", action="append", default=[], metavar="TÊN[:HÌNH THỨC[:SỐ LƯỢNG]]",
                   help="giấy tờ cần bổ sung (lặp lại được)")
    t.add_argument("--new-due", help="ngày hẹn trả mới, ISO-8601 (xin lỗi và hẹn lại)")
    t.add_argument("--collected-by", help="họ tên người nhận kết quả tại quầy")
    t.add_argument("--collected-id", help="số định danh của người nhận kết quả")
    t.add_argument("--method", choices=["counter", "post"], help="trả kết quả tại quầy hay qua bưu chính")
    t.add_argument("--amount", type=_money, help="số tiền nghĩa vụ tài chính (đồng)")
    t.add_argument("--fee", type=_money, help="phí, lệ phí thu lúc này (đồng): khi nhận hồ sơ bổ sung "
                                              "(supplement_received) hoặc khi trả kết quả (returned)")
    t.add_argument("--note")
    t.add_argument("--at", help="thời điểm, ISO-8601 (mặc định: bây giờ)")
    t.add_argument("--json", action="store_true")

    lg = sub.add_parser("log", help="Sổ theo dõi hồ sơ (Mẫu 06) của một ngày hoặc một khoảng ngày")
    lg.add_argument("--date", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    lg.add_argument("--to", type=date.fromisoformat, help="đến ngày (YYYY-MM-DD)")
    lg.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
    lg.add_argument("--out", type=Path, help="tệp kết quả (json: mặc định ra màn hình)")
    lg.add_argument("--user")
    lg.add_argument("--counter", type=_whole_number)
    lg.add_argument("--official", help="tên đăng nhập của công chức tiếp nhận")
    lg.add_argument("--procedure", help="mã thủ tục")
    lg.add_argument("--field", help="lĩnh vực")
    lg.add_argument("--channel", choices=[c.value for c in Channel])
    lg.add_argument("--status")
    lg.add_argument("--overdue", action="store_true", help="chỉ hồ sơ đang giải quyết đã quá hạn")

    pu = sub.add_parser("postal-units", help="danh mục đơn vị, điểm phục vụ bưu chính").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    pua = pu.add_parser("add", help="thêm hoặc sửa một đơn vị bưu chính")
    pua.add_argument("code")
    pua.add_argument("--name", required=True)
    pua.add_argument("--address", default="")
    pua.add_argument("--phone", default="")
    pua.add_argument("--inactive", action="store_true")
    pua.add_argument("--by")
    pul = pu.add_parser("list", help="danh sách đơn vị bưu chính")
    pul.add_argument("--json", action="store_true")

    pf = sub.add_parser("profiles", help="bộ quy định biểu mẫu (số hiệu, tên mẫu theo văn bản hiện hành)").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    pfp = pf.add_parser("publish", help="công bố một bộ quy định từ tệp JSON (đến mọi quầy qua đồng bộ)")
    pfp.add_argument("file", type=Path)
    pfp.add_argument("--by", help="quản trị viên (mặc định: quản trị viên đầu tiên)")
    pfl = pf.add_parser("list", help="các bộ quy định và ngày hiệu lực")
    pfl.add_argument("--json", action="store_true")

    h = sub.add_parser("handover", help="bàn giao với bưu chính công ích").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    ho = h.add_parser("open", help="mở một lô bàn giao; in ra số lô")
    ho.add_argument("--direction", required=True, choices=["out", "in"], help="out: giao kết quả; in: nhận hồ sơ")
    ho.add_argument("--user", required=True)
    ho.add_argument("--postal-unit", required=True)
    ho.add_argument("--postal-staff", required=True, help="họ tên nhân viên bưu chính")
    ho.add_argument("--postal-staff-id", default="")
    hs = h.add_parser("scan", help="quét một mã vào lô; in kết quả dạng JSON")
    hs.add_argument("batch")
    hs.add_argument("text")
    hs.add_argument("--user", required=True)
    hs.add_argument("--tracking", help="số hiệu bưu gửi của hồ sơ vừa quét")
    hc = h.add_parser("close", help="đóng lô (khi mọi mục đã xong)")
    hc.add_argument("batch")
    hc.add_argument("--user", required=True)
    hc.add_argument("--postal-staff")
    hc.add_argument("--postal-staff-id")
    hr = h.add_parser("remove", help="bỏ một mục khỏi lô (lô đã đóng: điều chỉnh, cần lý do)")
    hr.add_argument("batch")
    hr.add_argument("item")
    hr.add_argument("--user", required=True)
    hr.add_argument("--reason", required=True)
    hsh = h.add_parser("show", help="một lô và các mục của nó")
    hsh.add_argument("batch")
    hsh.add_argument("--user", required=True)
    hsh.add_argument("--json", action="store_true")
    hout = h.add_parser("outcome", help="kết quả phát của bưu chính")
    hout.add_argument("code")
    how = hout.add_mutually_exclusive_group(required=True)
    how.add_argument("--delivered", nargs="?", const="(người nhận theo địa chỉ)", metavar="NGƯỜI_NHẬN")
    how.add_argument("--undeliverable", metavar="LÝ_DO")
    hout.add_argument("--user", required=True)
    hout.add_argument("--at")

    ce = sub.add_parser("central", help="cơ sở dữ liệu trung tâm (PostgreSQL)").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    cei = ce.add_parser("init", help="tạo hoặc nâng cấp lược đồ trung tâm")
    cei.add_argument("--url", required=True)
    cea = ce.add_parser("add-counter", help="tạo vai trò cơ sở dữ liệu của một quầy; dòng cuối là địa chỉ quầy dùng")
    cea.add_argument("--url", required=True)
    cea.add_argument("--agency-code", required=True)
    cea.add_argument("--counter", type=_whole_number, required=True)
    cea.add_argument("--public-key", help="khóa công khai của quầy (onestop sync key trên máy quầy in ra); "
                                          "thay khóa cũ, ví dụ khi chuyển quầy sang máy mới")
    cet = ce.add_parser("timeouts", help="thời gian chờ tối đa của các vai trò quầy và giám sát")
    cet.add_argument("--url", required=True)
    cet.add_argument("--idle", type=_whole_number, required=True, help="giây một giao dịch được bỏ ngỏ (mặc định 60)")
    cet.add_argument("--statement", type=_whole_number, required=True, help="giây một câu lệnh được chạy (mặc định 300)")
    ces = ce.add_parser("add-supervisor", help="tạo vai trò chỉ đọc cho giám sát; dòng cuối là địa chỉ kết nối")
    ces.add_argument("--url", required=True)
    ces.add_argument("--name", required=True, help="tên vai trò, chữ thường không dấu")
    ces.add_argument("--agency-code", action="append", required=True, help="lặp lại cho nhiều cơ quan")
    for verb, what in (("share", "cho quầy của cơ quan khác đọc và xử lý hồ sơ của một cơ quan "
                                 "(tiếp nhận không phụ thuộc địa giới hành chính)"),
                       ("unshare", "thôi chia sẻ hồ sơ giữa các cơ quan")):
        csh = ce.add_parser(verb, help=what)
        csh.add_argument("--url", required=True)
        csh.add_argument("--agency-code", required=True, help="cơ quan có hồ sơ")
        csh.add_argument("--with", dest="with_agencies", action="append", required=True, metavar="MÃ_CƠ_QUAN",
                         help="cơ quan được đọc hồ sơ; lặp lại cho nhiều cơ quan")
        csh.add_argument("--both-ways", action="store_true", help="và chiều ngược lại")
    csl = ce.add_parser("shares", help="các cơ quan đang chia sẻ hồ sơ với nhau")
    csl.add_argument("--url", required=True)
    csl.add_argument("--json", action="store_true")

    sy = sub.add_parser("sync", help="đồng bộ với cơ sở dữ liệu trung tâm")
    sy.add_argument("--central", help="địa chỉ postgresql://… (được ghi nhớ; mật khẩu vào kho mật khẩu của hệ điều hành)")
    sy.add_argument("--user")
    sy.add_argument("--json", action="store_true")
    sy.add_argument("--resend-all", action="store_true",
                    help="gửi lại mọi sự kiện của quầy này (sau khi cơ sở dữ liệu trung tâm được khôi phục về trước)")
    sya = sy.add_subparsers(dest="action", parser_class=_Parser)
    sys_ = sya.add_parser("status", help="tình trạng đồng bộ")
    sys_.add_argument("--json", action="store_true")
    sye = sya.add_parser("export", help="ghi các sự kiện chưa gửi ra tệp (mang bằng USB)")
    sye.add_argument("file", type=Path)
    sye.add_argument("--user")
    sye.add_argument("--passphrase-file", type=Path, help=PASSPHRASE_HELP)
    syi = sya.add_parser("import", help="gửi lên trung tâm các sự kiện trong tệp đã xuất ở máy khác")
    syi.add_argument("file", type=Path)
    syi.add_argument("--central")
    syi.add_argument("--user")
    syi.add_argument("--passphrase-file", type=Path, help=PASSPHRASE_HELP)
    sya.add_parser("key", help="khóa công khai của quầy này (để quản trị tỉnh đăng ký: central add-counter --public-key)")
    sysa = sya.add_parser("set-aside", help="các sự kiện từ quầy khác bị để riêng (không áp dụng) và lý do")
    sysa.add_argument("--all", action="store_true", help="cả những sự kiện đã xử lý")
    sysa.add_argument("--user")
    sysa.add_argument("--json", action="store_true")
    syst = sya.add_parser("settle", help="xử lý một sự kiện bị để riêng: áp dụng, hoặc ghi nhận không áp dụng")
    syst.add_argument("event_id")
    syst.add_argument("--decision", choices=["applied", "dismissed"], required=True)
    syst.add_argument("--note", required=True)
    syst.add_argument("--user")
    syst.add_argument("--json", action="store_true")

    rp = sub.add_parser("report", help="báo cáo định kỳ Biểu II.06a (tháng, quý, 6 tháng, năm)")
    rp.add_argument("--period", required=True, help="2026-10 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng), 2026 (năm)")
    rp.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
    rp.add_argument("--out", type=Path, help="tệp kết quả (json: mặc định ra màn hình)")
    rp.add_argument("--user")

    pr = sub.add_parser("print", help="in phiếu").add_subparsers(dest="action", required=True, parser_class=_Parser)
    prr = pr.add_parser("receipt", help="in Giấy tiếp nhận hồ sơ và hẹn trả kết quả (lần sau là bản in lại)")
    prr.add_argument("code")
    prr.add_argument("--out", type=Path, required=True)
    prr.add_argument("--paper", choices=["A4", "A5", "a4", "a5"])
    prr.add_argument("--user")
    prh = pr.add_parser("handover", help="in danh sách bàn giao của một lô (2 liên)")
    prh.add_argument("batch")
    prh.add_argument("--out", type=Path, required=True)
    prh.add_argument("--user")
    prf = pr.add_parser("form", help="in Mẫu 02 (supplement), 03 (refusal), 04 (apology), "
                                     "Thông báo dừng (stop), Phiếu kiểm soát (control-sheet)")
    prf.add_argument("kind", choices=["supplement", "refusal", "apology", "stop", "control-sheet"])
    prf.add_argument("code")
    prf.add_argument("--out", type=Path, required=True)
    prf.add_argument("--paper", choices=["A4", "A5", "a4", "a5"])
    prf.add_argument("--user")
    _add_resilience_commands(sub)

    sc = sub.add_parser("selfcheck", help="tự kiểm tra bản cài đặt: dữ liệu, lược đồ, phông chữ, danh mục, cửa sổ, "
                                          "phiếu tiếp nhận và mã vạch (trên thư mục dữ liệu tạm)")
    sc.add_argument("--json", action="store_true", help="báo cáo dạng JSON")
    return p


#: never a command-line argument: it would stay in the shell's history and the process list
PASSPHRASE_HELP = ("tệp chứa cụm mật khẩu sao lưu (bản sao ra ngoài thư mục dữ liệu được khóa bằng cụm mật khẩu); "
                   "hoặc biến môi trường ONESTOP_BACKUP_PASSPHRASE; nếu không có thì hỏi khi chạy")


def _add_resilience_commands(sub) -> None:  # type: ignore[no-untyped-def]
    """Backups, restore, settings and the diagnostics bundle."""
    # no abbreviations: «--passphrase bí-mật» must be refused, not read as --passphrase-file
    bk = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu (an toàn cả khi chương trình đang chạy)",
                        allow_abbrev=False)
    bk.add_argument("--to", type=Path, help="thư mục lưu bản sao (mặc định: thư mục sao lưu đã chọn)")
    bk.add_argument("--by", help="quản trị viên thực hiện (mặc định: quản trị viên đầu tiên)")
    bk.add_argument("--passphrase-file", type=Path, help=PASSPHRASE_HELP)
    bk.add_argument("--json", action="store_true")
    rs = sub.add_parser("restore", help="khôi phục cơ sở dữ liệu từ một bản sao (giữ lại dữ liệu hiện tại)",
                        allow_abbrev=False)
    rs.add_argument("file", type=Path)
    rs.add_argument("--by")
    rs.add_argument("--passphrase-file", type=Path, help=PASSPHRASE_HELP)
    rs.add_argument("--move-counter", action="store_true",
                    help="máy này nhận quầy của bản sao lưu (chuyển quầy sang máy mới; quản trị viên; trung tâm xác nhận)")
    st = sub.add_parser("settings", help="thiết lập").add_subparsers(dest="action", required=True, parser_class=_Parser)
    sts = st.add_parser("set", help="đổi một thiết lập, ví dụ backup.folder hoặc backup.keep_days")
    sts.add_argument("key")
    sts.add_argument("value")
    sts.add_argument("--by")
    stl = st.add_parser("list", help="các thiết lập và giá trị hiện tại")
    stl.add_argument("--json", action="store_true")
    dg = sub.add_parser("diagnostics", help="ghi gói chẩn đoán (nhật ký, thiết lập không có mật khẩu, phiên bản)")
    dg.add_argument("--out", type=Path, required=True, help="tệp .zip")


def _backup_passphrase(args, *, confirm: bool) -> str:  # type: ignore[no-untyped-def]
    """The backup passphrase: from ``--passphrase-file``, else ONESTOP_BACKUP_PASSPHRASE, else
    typed (twice when a backup is being sealed). Checked for length when sealing."""
    from oneStop.persistence.sealed import check_passphrase

    if args.passphrase_file is not None:
        try:
            text = args.passphrase_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "không phải văn bản UTF-8"
            raise ValidationError("passphrase", f"không đọc được {args.passphrase_file} ({reason})") from None
        passphrase = text.rstrip("\r\n")
    elif os.environ.get("ONESTOP_BACKUP_PASSPHRASE"):
        passphrase = os.environ["ONESTOP_BACKUP_PASSPHRASE"]
    elif sys.stdin.isatty():
        passphrase = getpass.getpass("Cụm mật khẩu sao lưu: ")
        if confirm and getpass.getpass("Nhập lại cụm mật khẩu: ") != passphrase:
            raise ValidationError("passphrase", "hai lần nhập không khớp")
    else:
        why = ("cần cho bản sao ra ngoài thư mục dữ liệu" if confirm
               else f"tệp {args.file.name} đã được khóa bằng cụm mật khẩu, cần cụm mật khẩu để khôi phục")
        raise ValidationError("passphrase", f"{why}: dùng --passphrase-file, biến môi trường "
                                            "ONESTOP_BACKUP_PASSPHRASE, hoặc chạy trong cửa sổ lệnh để nhập")
    return check_passphrase(passphrase) if confirm else passphrase


def cmd_backup(app, args) -> int:  # type: ignore[no-untyped-def]
    actor = _actor(app, args.by)
    passphrase = _backup_passphrase(args, confirm=True) if app.backup.needs_passphrase(args.to) else None
    info = app.backup.backup(actor, to=args.to, passphrase=passphrase)
    if args.json:
        _print_json({"file": str(info.path), "size": info.size, "made_at": to_local(info.made_at).isoformat(),
                     "sealed": passphrase is not None})
    else:
        print(f"Đã sao lưu dữ liệu → {info.path} ({info.size} byte)")
        if passphrase is not None:
            print("Bản sao đã được khóa bằng cụm mật khẩu sao lưu: hãy giữ cụm mật khẩu ở nơi an toàn, "
                  "không có nó thì không khôi phục được.")
    return 0


def _restore_passphrase(args) -> str | None:  # type: ignore[no-untyped-def]
    from oneStop.persistence.sealed import is_sealed

    if getattr(args, "passphrase", None) is None and is_sealed(args.file):
        args.passphrase = _backup_passphrase(args, confirm=False)
    return getattr(args, "passphrase", None)


def cmd_restore(app, args) -> int:  # type: ignore[no-untyped-def]
    if getattr(args, "restored_over_damaged", False):
        app.backup.record_restore(args.file)
        return 0
    actor = _actor(app, args.by) if app.setup.is_set_up() else None
    result = app.backup.restore(actor, args.file, passphrase=_restore_passphrase(args),
                                move_counter=args.move_counter)
    for line in result.summary():
        print(line)
    return 0


def _restore_if_damaged(args) -> None:  # type: ignore[no-untyped-def]
    """A database too damaged to open is replaced before the program opens the data folder."""
    from oneStop.persistence import migrate
    from oneStop.persistence.db import sqlite_url
    from oneStop.services.app import DataPaths, default_data_dir
    from oneStop.services.backup import restore_over_damaged
    from oneStop.domain.clock import utcnow

    paths = DataPaths(args.data_dir or default_data_dir())
    if not paths.database.is_file():
        return
    try:
        migrate.upgrade(sqlite_url(paths.database), backup_dir=paths.backups)
    except migrate.DatabaseDamaged:
        result = restore_over_damaged(paths.database, args.file, paths.backups, paths.lock, utcnow,
                                      passphrase=_restore_passphrase(args))
        print(f"Cơ sở dữ liệu hiện tại bị hỏng; đã khôi phục từ {result.restored}.")
        print(f"Các tệp hỏng được giữ tại {result.kept}")
        args.restored_over_damaged = True


def cmd_settings(app, args) -> int:  # type: ignore[no-untyped-def]
    from oneStop import settings as S

    if args.action == "set":
        change = app.settings.change(_actor(app, args.by), args.key, args.value)
        print(f"{S.get(args.key).help}: {change.value}")
        if change.takes_effect is not None:
            print(f"Có hiệu lực từ ngày {change.takes_effect:%d/%m/%Y} trên mọi quầy; hôm nay vẫn dùng "
                  f"{change.in_force} (mã hồ sơ trong một ngày lấy từ một khối số).")
        return 0
    values, pending = app.settings.all(), app.settings.pending()
    if args.json:
        _print_json({**values, **({"pending": {k: {"value": v, "from": d.isoformat()} for k, (v, d) in pending.items()}}
                                  if pending else {})})
    else:
        for key, setting in S.REGISTRY.items():
            later = f" (từ {pending[key][1]:%d/%m/%Y}: {pending[key][0]})" if key in pending else ""
            print(f"{key}\t{values[key]}{later}\t{setting.help}")
    return 0


def cmd_agency(app, args) -> int:  # type: ignore[no-untyped-def]
    if args.action == "set":
        if args.lookup_url is None and args.hotline is None:
            raise ValidationError("setting", "cần --lookup-url hoặc --hotline")
        agency = app.setup.set_contact(_actor(app, args.by), lookup_url=args.lookup_url, hotline=args.hotline)
    else:
        agency = app.setup.agency()
    fields = {"code": agency.code, "name": agency.name, "managing_agency": agency.managing_agency,
              "lookup_url": agency.lookup_url, "hotline": agency.hotline}
    if getattr(args, "json", False):
        _print_json(fields)
        return 0
    print(f"{agency.name} ({agency.code}), thuộc {agency.managing_agency}")
    print(f"Tra cứu hồ sơ tại: {agency.lookup_url or '(không in)'}")
    print(f"Đường dây nóng: {agency.hotline or '(không in)'}")
    return 0


def cmd_diagnostics(app, args) -> int:  # type: ignore[no-untyped-def]
    from oneStop.services.diagnostics import write_bundle

    try:
        path = write_bundle(app, args.out)
    except OSError as exc:
        raise ValidationError("out", f"không ghi được {args.out}: {exc.strerror or exc}") from None
    print(f"Đã ghi gói chẩn đoán → {path}")
    return 0


# --- commands -----------------------------------------------------------------------------------


def _password(prompt: str) -> str:
    env = os.environ.get("ONESTOP_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise ValidationError("password", "đặt biến môi trường ONESTOP_PASSWORD hoặc chạy trong cửa sổ lệnh để nhập")
    first = getpass.getpass(prompt)
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise ValidationError("password", "hai lần nhập không khớp")
    return first


def _actor(app, username: str | None) -> User:  # type: ignore[no-untyped-def]
    """The named user, or the first active administrator."""
    if username:
        return app.auth.get_user(username.strip().lower())
    from sqlalchemy import select

    from oneStop.persistence.models import UserRow

    with app.uow() as uow:
        row = uow.session.scalars(
            select(UserRow).where(UserRow.role == Role.ADMIN.value, UserRow.active.is_(True)).order_by(UserRow.created_at)
        ).first()
    if row is None:
        raise UserNotFound("(quản trị viên)")
    return User(row.username, row.full_name, Role(row.role), row.active)


def _parse_when(text: str | None, field: str = "received_at") -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, "phải theo ISO-8601, ví dụ 2026-11-23T09:30:00+07:00") from None
    if value.tzinfo is None:
        from oneStop.domain.clock import VN_TZ

        value = value.replace(tzinfo=VN_TZ)  # a bare local time is Vietnam time
    return value


def cmd_setup(app, args) -> int:  # type: ignore[no-untyped-def]
    from oneStop.services.setup import SetupRequest

    password = _password("Mật khẩu quản trị viên: ")
    admin = app.setup.set_up(
        SetupRequest(
            agency_code=args.agency_code,
            agency_name=args.agency_name,
            managing_agency=args.managing_agency or args.agency_name,
            province=args.province or "—",
            counter=args.counter,
            admin_username=args.admin,
            admin_full_name=args.admin_name,
            admin_password=password,
            place=args.place,
            lookup_url=args.lookup_url,
            hotline=args.hotline,
            load_sample_catalog=not args.no_sample_catalog,
        )
    )
    counter = app.setup.counter()
    print(f"Đã thiết lập {counter.agency_code}, quầy {counter.number}; quản trị viên {admin.username}.")
    return 0


def _secret(env: str, prompt: str, *, repeat: bool, which: str) -> str:
    """A password from the environment variable ``env``, else typed (twice if ``repeat``), as
    :func:`_password` does; ``which`` says which password in the error."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise ValidationError("password", f"{which}: đặt biến môi trường {env} hoặc chạy trong cửa sổ lệnh để nhập")
    first = getpass.getpass(prompt)
    if repeat and getpass.getpass("Nhập lại mật khẩu mới: ") != first:
        raise ValidationError("password", "hai lần nhập không khớp")
    return first


def cmd_users(app, args) -> int:  # type: ignore[no-untyped-def]
    actor = _actor(app, args.by)
    if args.action == "add":
        user = app.auth.add_user(actor, args.username, args.full_name, args.role, _password("Mật khẩu: "))
        print(f"Đã thêm {user.username} ({user.role.label}).")
    elif args.action in ("lock", "unlock"):
        app.auth.set_active(actor, args.username, args.action == "unlock")
        name = args.username.strip().lower()
        print(f"Đã khóa {name}: không đăng nhập được nữa." if args.action == "lock" else f"Đã mở khóa {name}.")
    elif args.action == "password":
        target = (args.username or actor.username).strip().lower()
        if target == actor.username:  # one's own: the current password first
            current = _secret("ONESTOP_PASSWORD", "Mật khẩu hiện tại: ", repeat=False, which="mật khẩu hiện tại")
            new = _secret("ONESTOP_NEW_PASSWORD", "Mật khẩu mới: ", repeat=True, which="mật khẩu mới")
            app.auth.change_own_password(actor, current, new)
            print(f"Đã đổi mật khẩu của {target}.")
        else:
            new = _secret("ONESTOP_NEW_PASSWORD", f"Mật khẩu mới của {target}: ", repeat=True, which="mật khẩu mới")
            app.auth.set_password(actor, target, new)
            print(f"Đã đặt lại mật khẩu của {target}.")
    else:
        users = app.auth.list_users(actor)
        if args.json:
            _print_json([{**asdict(u), "role": u.role.value} for u in users])
        else:
            for u in users:
                print(f"{u.username}\t{u.role.value}\t{u.full_name}{'' if u.active else ' (khóa)'}")
    return 0


def cmd_catalog(app, args) -> int:  # type: ignore[no-untyped-def]
    if args.action == "list":
        procs = app.catalog.search(args.search, limit=10_000)
        if args.json:
            _print_json([procedure_json(p) for p in procs])
        else:
            for p in procs:
                print(f"{p.code}\t{p.processing_days} ngày\t{p.fee} đ\t{p.name}")
        return 0
    actor = _actor(app, args.by)
    if args.action == "import":
        report = app.catalog.import_file(actor, args.file)
        if not report.ok:
            for err in report.errors:
                print(str(err), file=sys.stderr)
            print(f"Không nhập: {len(report.errors)} lỗi; danh mục không thay đổi.", file=sys.stderr)
            return EXIT_ERROR
        print(f"Đã nhập: {report.added} thêm mới, {report.updated} cập nhật, {report.unchanged} không đổi.")
        return 0
    count = app.catalog.export_file(actor, args.file)
    print(f"Đã xuất {count} thủ tục ra {args.file}.")
    return 0


def cmd_calendar(app, args) -> int:  # type: ignore[no-untyped-def]
    if args.action == "list":
        rows = [{"day": o.day.isoformat(), "kind": o.kind, "note": o.note} for o in app.calendar.overrides()]
        if args.json:
            _print_json(rows)
        else:
            for r in rows:
                print(f"{r['day']}\t{'nghỉ' if r['kind'] == 'off' else 'làm bù'}\t{r['note']}")
        return 0
    if args.action == "due":
        from oneStop.services.catalog_io import DAYS_MAX, HOURS_MAX

        if not 0 <= args.days <= DAYS_MAX:
            raise ValidationError("days", f"phải từ 0 đến {DAYS_MAX}")
        if not 0 <= args.hours <= HOURS_MAX:
            raise ValidationError("hours", f"phải từ 0 đến {HOURS_MAX}")
        start = _parse_when(args.start) or app.clock()
        due = app.reception.appointment(args.days, args.hours, start)
        print(to_local(due).isoformat())
        return 0
    actor = _actor(app, args.by)
    if args.action == "set":
        app.calendar.set_override(actor, args.day, args.kind, args.note)
    else:
        app.calendar.remove_override(actor, args.day)
    return 0


def cmd_receive(app, args) -> int:  # type: ignore[no-untyped-def]
    actor = app.auth.get_user(args.user.strip().lower())
    attachments = []
    from oneStop.domain.drafts import MAX_ATTACHMENT_BYTES
    from oneStop.persistence.files import read_bounded

    for path in args.attach:
        attachments.append(AttachmentDraft(path.name, read_bounded(path, MAX_ATTACHMENT_BYTES, "attachment")))
    owner = None
    if args.owner_name or args.owner_citizen_id:
        owner = Applicant(name=args.owner_name, citizen_id=args.owner_citizen_id, address=args.owner_address,
                          phone=args.owner_phone, email=args.owner_email)
    draft = DossierDraft(
        procedure_code=args.procedure,
        applicant=Applicant(
            name=args.name,
            citizen_id=args.citizen_id,
            phone=args.phone,
            email=args.email,
            address=args.address,
            is_organisation=args.organisation,
            tax_code=args.tax_code,
        ),
        owner=owner,
        authorisation=args.authorisation,
        channel=Channel(args.channel),
        sets=args.sets,
        documents=_handed_in(app, args.procedure, args.document),
        fee=args.fee,
        cross_boundary=args.cross_boundary,
        return_method=ReturnMethod.POST if args.return_by_post else ReturnMethod.COUNTER,
        delivery_address=args.delivery_address,
        priority=args.priority,
        priority_reason=args.priority_reason,
        notes=args.notes,
        attachments=tuple(attachments),
        received_at=_parse_when(args.received_at),
        postal_tracking=args.tracking,
    )
    if args.handover_batch:
        if not args.tracking:
            raise ValidationError("tracking", "cần --tracking khi tiếp nhận từ lô bưu chính")
        dossier = app.handover.receive_item(actor, args.handover_batch, args.tracking, draft,
                                            postal_fee=args.postal_fee, slip_originals=args.slip_originals,
                                            slip_copies=args.slip_copies)
    else:
        dossier = app.reception.receive(actor, draft)
    if args.json:
        _print_json(dossier_json(dossier))
    else:
        print(f"{dossier.code}\thẹn trả {to_local(dossier.due_at):%H:%M %d/%m/%Y}")
    return 0


def _handed_in(app, procedure_code: str, items: list[str] | None) -> tuple[ReceivedDocument, ...] | None:  # type: ignore[no-untyped-def]
    """``--document`` items as received documents: a name the procedure lists takes its form and
    count unless they are given. None without any: the core takes the mandatory papers."""
    if items is None:
        return None
    from oneStop.domain.text import search_key

    try:
        listed = {search_key(d.name): d for d in app.catalog.get(procedure_code).documents}
    except ProcedureNotFound:
        listed = {}  # the core says so, with the other problems
    documents = []
    for item in items:
        name, _, rest = item.partition(":")
        form, _, count = rest.partition(":")
        known = listed.get(search_key(name))
        if count and not (count.isascii() and count.isdigit() and len(count) <= 3):
            raise ValidationError("document_count", f"«{item}»: số lượng phải là số nguyên, ví dụ Tờ khai:ban_chinh:1")
        try:
            kind = DocumentForm.parse(form) if form else (known.form if known else DocumentForm.ORIGINAL)
        except ValueError:
            raise ValidationError("document_form", f"«{item}»: hình thức là ban_chinh, ban_sao_chung_thuc "
                                                   "hoặc ban_photo") from None
        documents.append(ReceivedDocument(name, kind, int(count) if count else (known.count if known else 1)))
    return tuple(documents)


def cmd_dossier(app, args) -> int:  # type: ignore[no-untyped-def]
    actor = _actor(app, args.user)
    if args.action == "show":
        detail = app.dossiers.show(actor, args.code)
        if args.json:
            _print_json({**dossier_json(detail.dossier), "masked": detail.masked,
                         "events": [event_json(e) for e in detail.events]})
        else:
            d = detail.dossier
            print(f"{d.code}  {d.status.label}\n{d.applicant.name} — {d.procedure.name}")
            print(f"Nhận {to_local(d.received_at):%H:%M %d/%m/%Y}, hẹn trả {to_local(d.due_at):%H:%M %d/%m/%Y}")
            for e in detail.events:
                print(f"  {to_local(e.device_time):%d/%m/%Y %H:%M:%S}  {e.kind}  {e.actor}")
        return 0
    if not 1 <= args.limit <= LIST_LIMIT_MAX:
        raise ValidationError("limit", f"phải từ 1 đến {LIST_LIMIT_MAX}")
    dossiers = app.dossiers.find(actor, args.search, day=args.date, limit=args.limit)
    if args.json:
        _print_json([dossier_json(d) for d in dossiers])
    else:
        for d in dossiers:
            print(f"{d.code}\t{to_local(d.received_at):%H:%M}\t{d.applicant.name}\t{d.procedure.name}")
    return 0


def cmd_transition(app, args) -> int:  # type: ignore[no-untyped-def]
    actor = app.auth.get_user(args.user.strip().lower())
    transition = Transition(args.to)
    payload: dict[str, Any] = {
        "reason": args.reason,
        "note": args.note,
        "collected_by": args.collected_by,
        "collected_id": args.collected_id,
        "method": args.method,
        "amount": args.amount,
        "fee": args.fee,
        "new_due_at": _parse_when(args.new_due, "new_due_at").isoformat() if args.new_due else None,
    }
    if args.at_applicants_request:
        payload["requested_by"] = "applicant"
    if args.agency:
        payload["from_agency" if transition is Transition.RESULT_RECEIVED else "to_agency"] = args.agency
    if args.document:
        documents = []
        for item in args.document:
            name, _, rest = item.partition(":")
            form, _, count = rest.partition(":")
            if count and not (count.isascii() and count.isdigit() and len(count) <= 3):
                raise ValidationError("document_count", f"«{item}»: số lượng phải là số nguyên, ví dụ Giấy khai sinh:ban_chinh:1")
            documents.append({"name": name, "form": form or None, "count": int(count) if count else 1})
        payload["documents"] = documents
    dossier = app.lifecycle.transition(actor, args.code, transition, payload, at=_parse_when(args.at, "at"))
    if args.json:
        _print_json(dossier_json(dossier))
    else:
        print(f"{dossier.code}\t{dossier.status.label}")
    return 0


def cmd_log(app, args) -> int:  # type: ignore[no-untyped-def]
    from oneStop.services.supervision import LogFilter

    actor = _actor(app, args.user)
    log = app.supervision.daily_log(
        actor, args.date, args.to,
        LogFilter(counter=args.counter, official=args.official, procedure=args.procedure, field=args.field,
                  channel=args.channel, status=args.status, overdue=args.overdue),
    )
    data = app.supervision.export_log(actor, log, args.format)
    return _deliver(args, data, f"Sổ theo dõi: {len(log.rows)} hồ sơ")


def cmd_postal_units(app, args) -> int:  # type: ignore[no-untyped-def]
    if args.action == "add":
        unit = app.handover.save_postal_unit(_actor(app, args.by), args.code, args.name, args.address, args.phone,
                                             active=not args.inactive)
        print(f"Đã lưu {unit.code}: {unit.name}")
        return 0
    units = app.handover.postal_units(include_inactive=True)
    if args.json:
        _print_json([asdict(u) for u in units])
    else:
        for u in units:
            print(f"{u.code}\t{u.name}\t{'' if u.active else '(ngừng)'}")
    return 0


def cmd_profiles(app, args) -> int:  # type: ignore[no-untyped-def]
    if args.action == "publish":
        profile = app.profiles.publish_file(_actor(app, args.by), args.file)
        print(f"Đã công bố {profile.id}: {profile.name}, hiệu lực từ {profile.effective_from:%d/%m/%Y}")
        return 0
    profiles = app.profiles.all()
    if args.json:
        _print_json([{"id": p.id, "name": p.name, "effective_from": p.effective_from.isoformat(),
                      "effective_to": p.effective_to.isoformat() if p.effective_to else None,
                      "forms": {k: {"number": f.number, "title": f.title} for k, f in p.forms.items()}}
                     for p in profiles])
    else:
        for p in profiles:
            until = f" đến {p.effective_to:%d/%m/%Y}" if p.effective_to else ""
            print(f"{p.id}\t{p.name}\ttừ {p.effective_from:%d/%m/%Y}{until}")
    return 0


def batch_json(batch) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "id": batch.id, "number": batch.number, "direction": batch.direction.value, "postal_unit": batch.postal_unit,
        "staff_name": batch.staff_name, "staff_id": batch.staff_id, "opened_by": batch.opened_by,
        "opened_at": to_local(batch.opened_at).isoformat(), "closed_by": batch.closed_by,
        "closed_at": _iso(batch.closed_at), "corrections": batch.corrections,
        "items": [{"id": i.id, "code": i.code, "tracking": i.tracking, "state": i.state, "added_by": i.added_by,
                   "added_at": to_local(i.added_at).isoformat(), "postal_fee": i.postal_fee, "note": i.note}
                  for i in batch.items],
        "unresolved": len(batch.unresolved()),
    }


def cmd_handover(app, args) -> int:  # type: ignore[no-untyped-def]
    actor = app.auth.get_user(args.user.strip().lower())
    if args.action == "open":
        batch = app.handover.open(actor, args.direction, args.postal_unit, args.postal_staff, args.postal_staff_id)
        print(batch.number)
    elif args.action == "scan":
        result = app.handover.scan(actor, args.batch, args.text, tracking_number=args.tracking)
        _print_json(result.to_json())
    elif args.action == "close":
        batch = app.handover.close(actor, args.batch, staff_name=args.postal_staff, staff_id=args.postal_staff_id)
        print(f"Đã đóng lô {batch.number}: {len(batch.live_items())} mục.")
    elif args.action == "remove":
        batch = app.handover.remove_item(actor, args.batch, args.item, args.reason)
        print(f"Đã bỏ mục khỏi lô {batch.number}.")
    elif args.action == "show":
        batch = app.handover.get(actor, args.batch)
        if args.json:
            _print_json(batch_json(batch))
        else:
            print(f"{batch.number}  {batch.direction.label}  {'đã đóng' if batch.closed else 'đang mở'}")
            for i in batch.items:
                print(f"  {i.code or '—'}\t{i.tracking or '—'}\t{i.state}")
    else:
        delivered = args.delivered is not None
        dossier = app.handover.outcome(actor, args.code, delivered=delivered,
                                       detail=args.delivered if delivered else args.undeliverable,
                                       at=_parse_when(args.at, "at"))
        print(f"{dossier.code}\t{dossier.status.label}")
    return 0


def cmd_central(app, args) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import DBAPIError

    from oneStop.sync import central

    try:
        if args.action == "timeouts":
            count = central.set_timeouts(args.url, idle_seconds=args.idle, statement_seconds=args.statement)
            print(f"Đã đặt thời gian chờ cho {count} vai trò.")
            return 0
        if args.action == "add-counter":
            counter_url = central.add_counter(args.url, args.agency_code, args.counter, args.public_key)
            print(f"Đã tạo vai trò cho quầy {args.counter} của {args.agency_code}. Địa chỉ kết nối của quầy:")
            print(counter_url)
            return 0
        if args.action == "add-supervisor":
            supervisor_url = central.add_supervisor(args.url, args.name, args.agency_code)
            print(f"Đã tạo vai trò giám sát {args.name}. Địa chỉ kết nối:")
            print(supervisor_url)
            return 0
        if args.action == "share":
            for agency, reader in central.share(args.url, args.agency_code, args.with_agencies, both_ways=args.both_ways):
                print(f"Các quầy của {reader} đọc và xử lý được hồ sơ do {agency} tiếp nhận.")
            return 0
        if args.action == "unshare":
            ended = central.unshare(args.url, args.agency_code, args.with_agencies, both_ways=args.both_ways)
            print(f"Đã thôi {ended} chia sẻ. Hồ sơ các quầy đã nhận trước đó vẫn còn trên máy của họ.")
            return 0
        if args.action == "shares":
            found = central.shares(args.url)
            if args.json:
                print(json.dumps([{"agency_code": a, "shared_with": b, "since": t.isoformat()} for a, b, t in found],
                                 ensure_ascii=False))
            else:
                for agency, reader, since in found:
                    print(f"{agency}\t→ {reader}\t(từ {since:%d/%m/%Y})")
                if not found:
                    print("Chưa có cơ quan nào chia sẻ hồ sơ.")
            return 0
        revision = central.init_central(args.url)
    except ValueError as exc:
        raise ValidationError("central_url", str(exc)) from None
    except DBAPIError as exc:  # no server there, refused, wrong password, timed out …
        reason = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0][:200]
        raise ValidationError("central_url", f"không kết nối được với cơ sở dữ liệu trung tâm ({reason})") from None
    print(f"Lược đồ trung tâm: {revision}")
    return 0


def cmd_sync(app, args) -> int:  # type: ignore[no-untyped-def]
    if args.action == "status":
        status = app.sync.status()
        if args.json:
            _print_json(status.to_json())
        else:
            print(f"Trung tâm: {status.central_url or '(chưa đặt)'}; chờ gửi: {status.waiting}; "
                  f"lần thành công gần nhất: {status.last_success or 'chưa có'}")
            if status.last_error:
                print(f"Lỗi gần nhất: {status.last_error}")
        return 0
    if args.action == "key":
        print(app.sync.public_key())
        return 0
    actor = _actor(app, args.user)
    if args.action == "set-aside":
        found = app.sync.set_aside(actor, include_settled=args.all)
        if args.json:
            _print_json([f.to_json() for f in found])
        else:
            for f in found:
                state = f"đã xử lý ({f.decision}, {f.settled_by})" if f.settled_at else "chưa xử lý"
                print(f"{f.id}\t{f.counter_id} #{f.seq}\t{f.kind}\t{f.dossier_code}\t{state}\n    {f.reason}")
            if not found:
                print("Không có sự kiện nào bị để riêng.")
        return 0
    if args.action == "settle":
        settled = app.sync.settle(actor, args.event_id, args.decision, args.note)
        if args.json:
            _print_json(settled.to_json())
        else:
            print(f"Sự kiện {settled.id}: {'đã áp dụng' if settled.decision == 'applied' else 'không áp dụng'}")
        return 0
    if args.action == "export":
        count = app.sync.export_waiting(actor, args.file, _backup_passphrase(args, confirm=True))
        print(f"Đã ghi {count} sự kiện chưa gửi vào {args.file} (đã khóa bằng cụm mật khẩu)")
        return 0
    if args.action == "import":
        result = app.sync.import_file(actor, args.file, _backup_passphrase(args, confirm=False), args.central)
        print(f"Đã gửi: {result.new} mới, {len(result.acknowledged) - result.new} đã có, "
              f"{len(result.quarantined)} bị cách ly")
        return 0
    if args.resend_all:
        waiting = app.sync.resend_all(actor)
        if not args.json:
            print(f"Đánh dấu gửi lại {waiting} sự kiện của quầy này")
    result = app.sync.sync(actor, args.central)
    if args.json:
        _print_json(result.to_json())
    else:
        print(f"Đã gửi {result.pushed}, đã nhận {result.pulled}, còn chờ {result.waiting}, "
              f"cách ly {result.quarantined}")
        if result.set_aside:
            print(f"{result.set_aside} sự kiện từ quầy khác không hợp lệ, đã để riêng (không áp dụng): "
                  "xem «onestop sync set-aside»")
    return 0


def cmd_report(app, args) -> int:  # type: ignore[no-untyped-def]
    actor = _actor(app, args.user)
    report = app.reports.periodic(actor, args.period)
    data = app.reports.export(actor, report, args.format)
    return _deliver(args, data, f"{report.period.label}: {report.total.received} hồ sơ tiếp nhận tại "
                                f"{report.receiving_point}, {len(report.by_processing_agency)} cơ quan giải quyết")


def _deliver(args, data: bytes, summary: str) -> int:  # type: ignore[no-untyped-def]
    """JSON to standard output unless ``--out``; XLSX and PDF to the ``--out`` file."""
    if args.out is None:
        if args.format != "json":
            raise ValidationError("out", "cần --out cho định dạng xlsx hoặc pdf")
        sys.stdout.write(data.decode("utf-8") + "\n")
    else:
        _write_atomically(args.out, data)
        print(f"{summary} → {args.out}")
    return 0


def cmd_print(app, args) -> int:  # type: ignore[no-untyped-def]
    actor = _actor(app, args.user)
    if args.action == "handover":
        _write_atomically(args.out, app.handover.print_list(actor, args.batch))
        print(f"Danh sách bàn giao {args.batch} → {args.out}")
        return 0
    if args.action == "form":
        form = app.printing.form(actor, args.kind, args.code, paper=args.paper)
        _write_atomically(args.out, form.pdf)
        print(f"{args.kind} {form.code} → {args.out}")
        return 0
    # the file is written before the print is counted: a failed write leaves the next print the original
    printed = app.printing.receipt(actor, args.code, paper=args.paper, deliver=lambda pdf: _write_atomically(args.out, pdf))
    print(f"{'Bản in lại' if printed.reprint else 'Bản in'} {printed.code} → {args.out}")
    return 0


def _write_atomically(out: Path, data: bytes) -> None:
    """An export holds personal data: written whole, owner-only (``write_private``)."""
    from oneStop.domain.errors import StorageProblem
    from oneStop.persistence.files import write_private

    try:
        write_private(out, data)
    except StorageProblem as exc:
        raise ValidationError("out", str(exc)) from None


COMMANDS: dict[str, Callable[..., int]] = {
    "setup": cmd_setup,
    "users": cmd_users,
    "catalog": cmd_catalog,
    "calendar": cmd_calendar,
    "receive": cmd_receive,
    "dossier": cmd_dossier,
    "print": cmd_print,
    "transition": cmd_transition,
    "log": cmd_log,
    "report": cmd_report,
    "postal-units": cmd_postal_units,
    "profiles": cmd_profiles,
    "handover": cmd_handover,
    "central": cmd_central,
    "sync": cmd_sync,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "settings": cmd_settings,
    "agency": cmd_agency,
    "diagnostics": cmd_diagnostics,
}


def cmd_selfcheck(args, ui_check) -> int:  # type: ignore[no-untyped-def]
    from oneStop.selfcheck import SelfCheck

    report = SelfCheck(args.data_dir, ui_check=ui_check).run()
    if args.json:
        _print_json(report.to_json())
    else:
        print("\n".join(report.lines()))
    if not report.ok:
        failed = report.failed
        print(f"onestop: tự kiểm tra không đạt ở bước «{failed.name}»: {failed.detail}"  # type: ignore[union-attr]
              , file=sys.stderr)
        return EXIT_ERROR
    return 0


def main(argv: Sequence[str] | None = None, *, start_gui: Callable[[Path | None], int] | None = None,
         ui_check: Callable[[Any], None] | None = None) -> int:
    """Run one command, or the desktop program (``start_gui``) without one. ``ui_check`` adds
    the desktop program's steps to ``selfcheck``; the ``ui`` package hands both in."""
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as stop:  # --help, --version, or a usage error already explained
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    # a check leaves nothing in the folder it is given, not even its log
    logs.configure(None if args.command == "selfcheck" else args.data_dir, console=args.command is None)
    logs.log_start(args.command)
    if args.command is None:
        if start_gui is None:
            print("onestop: giao diện không có sẵn; dùng --help để xem các lệnh", file=sys.stderr)
            return EXIT_USAGE
        return start_gui(args.data_dir)
    if args.command == "selfcheck":
        return cmd_selfcheck(args, ui_check)
    from oneStop.services.app import App

    try:
        if args.command == "central":  # the central database's administration needs no local one
            return cmd_central(None, args)
        if args.command == "restore":
            _restore_if_damaged(args)
        with App(args.data_dir) as app:
            # a PC not set up may restore a counter's backup: that is how a counter is recovered
            if args.command not in ("setup", "diagnostics", "restore") and not app.setup.is_set_up():
                raise NotSetUp()
            code = COMMANDS[args.command](app, args)
            log.info("command %s finished: exit %d", args.command, code)
            return code
    except OneStopError as exc:
        log.warning("command %s refused: %s", args.command, type(exc).__name__)
        print(f"onestop: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:
        log.exception("command %s failed", args.command)
        raise


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
