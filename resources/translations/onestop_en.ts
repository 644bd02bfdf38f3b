<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="vi">
<context>
    <name>AboutDialog</name>
    <message>
        <source>chưa có</source>
        <translation>none yet</translation>
    </message>
    <message>
        <source>Giới thiệu và chẩn đoán</source>
        <translation>About and diagnostics</translation>
    </message>
    <message>
        <source>Phiên bản</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Thư mục dữ liệu</source>
        <translation>Data folder</translation>
    </message>
    <message>
        <source>Dung lượng cơ sở dữ liệu</source>
        <translation>Database size</translation>
    </message>
    <message>
        <source>Phiên bản lược đồ dữ liệu</source>
        <translation>Database schema version</translation>
    </message>
    <message>
        <source>Lần sao lưu gần nhất</source>
        <translation>Last backup</translation>
    </message>
    <message>
        <source>Thư mục sao lưu</source>
        <translation>Backup folder</translation>
    </message>
    <message>
        <source>Lần đồng bộ thành công gần nhất</source>
        <translation>Last successful sync</translation>
    </message>
    <message>
        <source>Máy in phiếu</source>
        <translation>Receipt printer</translation>
    </message>
    <message>
        <source>Ghi gói chẩn đoán…</source>
        <translation>Write diagnostics bundle…</translation>
    </message>
    <message>
        <source>Sao lưu ngay</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <source>Chọn thư mục sao lưu…</source>
        <translation>Choose the backup folder…</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>(chưa chọn)</source>
        <translation>(not chosen)</translation>
    </message>
    <message>
        <source>Ghi gói chẩn đoán</source>
        <translation>Write the diagnostics bundle</translation>
    </message>
    <message>
        <source>Đang ghi gói chẩn đoán…</source>
        <translation>Writing the diagnostics bundle…</translation>
    </message>
    <message>
        <source>Đã ghi gói chẩn đoán: %1</source>
        <translation>Diagnostics bundle written: %1</translation>
    </message>
    <message>
        <source>Nhập lại cụm mật khẩu:</source>
        <translation>Type the passphrase again:</translation>
    </message>
    <message>
        <source>Bản sao ra ngoài thư mục dữ liệu chứa dữ liệu cá nhân nên được khóa bằng cụm mật khẩu (ít nhất 12 ký tự). Hãy giữ cụm mật khẩu ở nơi an toàn: không có nó thì không khôi phục được.

Cụm mật khẩu sao lưu:</source>
        <translation>A backup outside the data folder holds personal data, so it is sealed with a passphrase (at least 12 characters). Keep the passphrase somewhere safe: without it the backup cannot be restored.

Backup passphrase:</translation>
    </message>
    <message>
        <source>Cụm mật khẩu sao lưu</source>
        <translation>Backup passphrase</translation>
    </message>
    <message>
        <source>Đang sao lưu dữ liệu…</source>
        <translation>Backing up the data…</translation>
    </message>
    <message>
        <source>Cụm mật khẩu sao lưu: hai lần nhập không khớp; chưa sao lưu.</source>
        <translation>Backup passphrase: the two entries differ; nothing was backed up.</translation>
    </message>
    <message>
        <source>Đã sao lưu dữ liệu: %1</source>
        <translation>Data backed up: %1</translation>
    </message>
    <message>
        <source>Chọn thư mục sao lưu</source>
        <translation>Choose the backup folder</translation>
    </message>
    <message>
        <source>Đang kiểm tra thư mục…</source>
        <translation>Checking the folder…</translation>
    </message>
    <message>
        <source>Từ nay sao lưu vào: %1</source>
        <translation>Backups now go to: %1</translation>
    </message>
</context>
<context>
    <name>AddUserDialog</name>
    <message>
        <source>Thêm người dùng</source>
        <translation>Add user</translation>
    </message>
    <message>
        <source>Tên đăng nhập</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>chữ thường không dấu, ví dụ: hoa.nt</source>
        <translation>lower case without accents, e.g. hoa.nt</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Vai trò</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Mật khẩu</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Nhập lại mật khẩu</source>
        <translation>Repeat password</translation>
    </message>
    <message>
        <source>Thêm</source>
        <translation>Add</translation>
    </message>
</context>
<context>
    <name>AgencySettingsDialog</name>
    <message>
        <source>Giờ làm việc</source>
        <extracomment>The form&apos;s groups: (title, settings). Two columns of two groups each.</extracomment>
        <translation>Working hours</translation>
    </message>
    <message>
        <source>Phiếu tiếp nhận và mã hồ sơ</source>
        <translation>Receipt and dossier codes</translation>
    </message>
    <message>
        <source>Chỉ tiêu, thời hạn, người ký</source>
        <translation>Targets, time limits, signatory</translation>
    </message>
    <message>
        <source>Bưu chính, đồng bộ, sao lưu</source>
        <translation>Post, sync, backup</translation>
    </message>
    <message>
        <source>Giờ làm việc, chỉ tiêu, mã hồ sơ</source>
        <translation>Working hours, targets, dossier codes</translation>
    </message>
    <message>
        <source>Đang tải…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Lưu</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>In trên phiếu tiếp nhận</source>
        <translation>Printed on the receipt</translation>
    </message>
    <message>
        <source>Trang tra cứu hồ sơ</source>
        <translation>Dossier look-up page</translation>
    </message>
    <message>
        <source>Ví dụ: https://dichvucong.thanhhoa.gov.vn (trống: không in)</source>
        <translation>For example: https://dichvucong.thanhhoa.gov.vn (empty: not printed)</translation>
    </message>
    <message>
        <source>Đường dây nóng</source>
        <translation>Hotline</translation>
    </message>
    <message>
        <source>Ví dụ: 0237 3852 123 hoặc 1900 xxxx (trống: không in)</source>
        <translation>For example: 0237 3852 123 or 1900 xxxx (empty: not printed)</translation>
    </message>
    <message>
        <source>Giờ bắt đầu</source>
        <translation>Start time</translation>
    </message>
    <message>
        <source>Giờ kết thúc</source>
        <translation>End time</translation>
    </message>
    <message>
        <source>Giờ chốt tiếp nhận</source>
        <translation>Reception cut-off</translation>
    </message>
    <message>
        <source>Khổ giấy phiếu</source>
        <translation>Receipt paper size</translation>
    </message>
    <message>
        <source>Số liên phiếu</source>
        <translation>Receipt copies</translation>
    </message>
    <message>
        <source>Khối số hồ sơ mỗi quầy</source>
        <translation>Dossier number block per counter</translation>
    </message>
    <message>
        <source>Số chữ số thứ tự</source>
        <translation>Sequence number digits</translation>
    </message>
    <message>
        <source>Ghi lùi tối đa (ngày)</source>
        <translation>Maximum backdating (days)</translation>
    </message>
    <message>
        <source>Tiếp nhận qua bưu chính (%)</source>
        <translation>Received by post (%)</translation>
    </message>
    <message>
        <source>Trả kết quả qua bưu chính (%)</source>
        <translation>Results returned by post (%)</translation>
    </message>
    <message>
        <source>Cảnh báo sắp đến hạn (ngày)</source>
        <translation>Due-soon warning (days)</translation>
    </message>
    <message>
        <source>Trả trước hạn từ (ngày)</source>
        <translation>Early return from (days before due)</translation>
    </message>
    <message>
        <source>Số lần gia hạn tối đa</source>
        <translation>Most extensions</translation>
    </message>
    <message>
        <source>Thủ trưởng cơ quan, đơn vị</source>
        <translation>Head of the agency</translation>
    </message>
    <message>
        <source>Dạng số hiệu bưu gửi khác S10</source>
        <translation>Tracking number formats besides S10</translation>
    </message>
    <message>
        <source>Lệch đồng hồ tối đa (phút)</source>
        <translation>Maximum clock skew (minutes)</translation>
    </message>
    <message>
        <source>Giữ bản sao lưu (ngày)</source>
        <translation>Keep backups (days)</translation>
    </message>
    <message>
        <source>Giờ bắt đầu làm việc</source>
        <translation>Start of the working day</translation>
    </message>
    <message>
        <source>Giờ kết thúc làm việc</source>
        <translation>End of the working day</translation>
    </message>
    <message>
        <source>Giờ chốt tiếp nhận: hồ sơ nhận sau giờ này tính từ ngày làm việc tiếp theo (để trống: không áp dụng)</source>
        <translation>Reception cut-off: a dossier received after this time counts from the next working day (empty: not applied)</translation>
    </message>
    <message>
        <source>Khổ giấy in phiếu tiếp nhận</source>
        <translation>Paper size of the printed receipt</translation>
    </message>
    <message>
        <source>Số liên phiếu tiếp nhận</source>
        <translation>Number of copies of the receipt</translation>
    </message>
    <message>
        <source>Khối số hồ sơ của mỗi quầy (mỗi ngày)</source>
        <translation>Block of dossier numbers of each counter (per day)</translation>
    </message>
    <message>
        <source>Số chữ số của số thứ tự trong mã hồ sơ</source>
        <translation>Digits of the sequence number in the dossier code</translation>
    </message>
    <message>
        <source>Số ngày tối đa được ghi thời điểm tiếp nhận lùi về trước (hồ sơ nhận khi máy chưa ghi được)</source>
        <translation>Maximum days a reception time may be backdated (dossiers received while this PC could not record them)</translation>
    </message>
    <message>
        <source>Chỉ tiêu tỉ lệ hồ sơ tiếp nhận qua bưu chính công ích (%)</source>
        <translation>Target share of dossiers received through the public postal service (%)</translation>
    </message>
    <message>
        <source>Chỉ tiêu tỉ lệ kết quả trả qua bưu chính công ích (%)</source>
        <translation>Target share of results returned through the public postal service (%)</translation>
    </message>
    <message>
        <source>Số ngày làm việc tới để cảnh báo hồ sơ sắp đến hạn</source>
        <translation>Working days ahead in which a dossier is flagged as due soon</translation>
    </message>
    <message>
        <source>Số ngày làm việc trước hẹn để tính là trả trước hạn</source>
        <translation>Working days before the appointment from which a return counts as early</translation>
    </message>
    <message>
        <source>Số lần tối đa xin lỗi và hẹn lại (gia hạn) thời gian giải quyết một hồ sơ</source>
        <translation>Most times a dossier may be apologised for and its time extended</translation>
    </message>
    <message>
        <source>Họ tên thủ trưởng cơ quan, đơn vị: ký báo cáo định kỳ và văn bản xin lỗi, gia hạn (để trống: ghi tay)</source>
        <translation>Full name of the head of the agency: signs the periodic report and the apology and request to extend (empty: written by hand)</translation>
    </message>
    <message>
        <source>Các dạng số hiệu bưu gửi khác S10 được chấp nhận (chữ, số, \d, ., [A-Z0-9], {n}, {n,m}, ?; cách nhau bởi ;)</source>
        <translation>Postal tracking number formats accepted besides S10 (letters, digits, \d, ., [A-Z0-9], {n}, {n,m}, ?; separated by ;)</translation>
    </message>
    <message>
        <source>Độ lệch đồng hồ tối đa so với máy chủ trung tâm (phút)</source>
        <translation>Maximum clock difference from the central server (minutes)</translation>
    </message>
    <message>
        <source>Số ngày giữ các bản sao dữ liệu trong thư mục sao lưu</source>
        <translation>Days the backups are kept in the backup folder</translation>
    </message>
    <message>
        <source>trống: chỉ nhận S10</source>
        <translation>empty: S10 only</translation>
    </message>
    <message>
        <source>áp dụng</source>
        <translation>apply</translation>
    </message>
    <message>
        <source>Đã đổi thành %1, có hiệu lực từ ngày %2.</source>
        <translation>Changed to %1, in effect from %2.</translation>
    </message>
    <message>
        <source>Các thiết lập này dùng chung cho mọi quầy của cơ quan (gửi đi khi đồng bộ). Khối số và số chữ số của mã hồ sơ đổi từ ngày hôm sau.</source>
        <translation>These settings are shared by every counter of the agency (sent out when syncing). The number block and the digits of dossier codes change from the next day.</translation>
    </message>
    <message>
        <source>Đang lưu thiết lập…</source>
        <translation>Saving the settings…</translation>
    </message>
    <message>
        <source>Đã lưu %1 thiết lập của cơ quan.</source>
        <translation>%1 agency settings saved.</translation>
    </message>
    <message>
        <source>Mã hồ sơ theo thiết lập mới từ ngày %1.</source>
        <translation>Dossier codes follow the new settings from %1.</translation>
    </message>
</context>
<context>
    <name>BackupDialog</name>
    <message>
        <source>Tệp</source>
        <translation>File</translation>
    </message>
    <message>
        <source>Thời gian</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Dung lượng</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Sao lưu dữ liệu</source>
        <translation>Back up data</translation>
    </message>
    <message>
        <source>Đang tải…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Thư mục sao lưu nằm ngoài thư mục dữ liệu: bản sao mang dữ liệu cá nhân ra khỏi máy nên được khóa bằng cụm mật khẩu sao lưu (ít nhất 12 ký tự). Hãy giữ cụm mật khẩu ở nơi an toàn: không có nó thì không khôi phục được bản sao này.</source>
        <translation>The backup folder is outside the data folder: a backup takes personal data off this PC, so it is sealed with a backup passphrase (at least 12 characters). Keep the passphrase somewhere safe: without it this backup cannot be restored.</translation>
    </message>
    <message>
        <source>&amp;Sao lưu ngay</source>
        <translation>&amp;Back up now</translation>
    </message>
    <message>
        <source>Đó&amp;ng</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <source>Chọn &amp;thư mục…</source>
        <translation>Choose the &amp;folder…</translation>
    </message>
    <message>
        <source>Thư mục sao lưu</source>
        <translation>Backup folder</translation>
    </message>
    <message>
        <source>Lần sao lưu gần nhất</source>
        <translation>Last backup</translation>
    </message>
    <message>
        <source>Các bản sao lưu trong thư mục</source>
        <translation>Backups in the folder</translation>
    </message>
    <message>
        <source>chưa có</source>
        <translation>none yet</translation>
    </message>
    <message>
        <source>Đang sao lưu dữ liệu…</source>
        <translation>Backing up the data…</translation>
    </message>
    <message>
        <source>Đã sao lưu dữ liệu: %1 (%2) trong thư mục %3.</source>
        <translation>Data backed up: %1 (%2) in the folder %3.</translation>
    </message>
    <message>
        <source>Bản sao đã được khóa bằng cụm mật khẩu sao lưu: hãy giữ cụm mật khẩu ở nơi an toàn, không có nó thì không khôi phục được.</source>
        <translation>The backup is sealed with the backup passphrase: keep the passphrase somewhere safe; without it the backup cannot be restored.</translation>
    </message>
    <message>
        <source>cần cụm mật khẩu để khóa bản sao ra ngoài thư mục dữ liệu</source>
        <translation>a passphrase is needed to seal a backup outside the data folder</translation>
    </message>
    <message>
        <source>Chọn thư mục sao lưu</source>
        <translation>Choose the backup folder</translation>
    </message>
    <message>
        <source>Đang kiểm tra thư mục…</source>
        <translation>Checking the folder…</translation>
    </message>
    <message>
        <source>Từ nay sao lưu vào thư mục %1.</source>
        <translation>Backups now go to the folder %1.</translation>
    </message>
</context>
<context>
    <name>CalendarDialog</name>
    <message>
        <source>Lịch làm việc</source>
        <extracomment>What an official types for a date: 25/11/2026, 5/1/2027, 25.11.2026 or 25112026. What the loading job hands back: the year, the adjustments (all years), the year&apos;s holidays. The tables show what the core holds (after opening, a change of year, an addition, a removal).</extracomment>
        <translation>Working calendar</translation>
    </message>
    <message>
        <source>&amp;Năm</source>
        <translation>&amp;Year</translation>
    </message>
    <message>
        <source>Đang tải…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Ngày</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Loại</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>&amp;Xóa ngày đã chọn…</source>
        <translation>&amp;Remove the selected day…</translation>
    </message>
    <message>
        <source>Ngày nghỉ thêm</source>
        <translation>Extra day off</translation>
    </message>
    <message>
        <source>Ngày làm việc bù</source>
        <translation>Extra working day</translation>
    </message>
    <message>
        <source>Ví dụ: nghỉ theo quyết định của UBND tỉnh</source>
        <translation>For example: day off by decision of the provincial People&apos;s Committee</translation>
    </message>
    <message>
        <source>&amp;Thêm vào bảng điều chỉnh</source>
        <translation>&amp;Add to the adjustments</translation>
    </message>
    <message>
        <source>Thứ</source>
        <translation>Weekday</translation>
    </message>
    <message>
        <source>Ngày lễ, Tết, nghỉ bù</source>
        <translation>Holiday, Tết, day off in lieu</translation>
    </message>
    <message>
        <source>Đón&amp;g</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <source>Bảng điều chỉnh của quản trị viên (được ưu tiên hơn lịch nghỉ lễ)</source>
        <translation>Administrator&apos;s adjustments (take precedence over the holiday calendar)</translation>
    </message>
    <message>
        <source>Ngà&amp;y</source>
        <translation>&amp;Date</translation>
    </message>
    <message>
        <source>&amp;Loại</source>
        <translation>&amp;Type</translation>
    </message>
    <message>
        <source>Ghi &amp;chú</source>
        <translation>&amp;Note</translation>
    </message>
    <message>
        <source>Chỉ quản trị viên được thay đổi lịch làm việc; bạn chỉ xem được.</source>
        <translation>Only an administrator can change the working calendar; you can only view it.</translation>
    </message>
    <message>
        <source>Ngày lễ, Tết chương trình đã tự tính (chỉ xem)</source>
        <translation>Holidays and Tết worked out by the program (view only)</translation>
    </message>
    <message>
        <source>Năm %1: %2 ngày nghỉ lễ, Tết, nghỉ bù; %3 ngày trong bảng điều chỉnh.</source>
        <translation>Year %1: %2 days of holidays, Tết and days off in lieu; %3 days in the adjustments.</translation>
    </message>
    <message>
        <source>Không tải được lịch làm việc: %1</source>
        <translation>Could not load the working calendar: %1</translation>
    </message>
    <message>
        <source> — bảng điều chỉnh: %1</source>
        <translation> — adjusted: %1</translation>
    </message>
    <message>
        <source>Đang lưu lịch làm việc…</source>
        <translation>Saving the working calendar…</translation>
    </message>
    <message>
        <source>Đã lưu ngày %1 (%2) vào bảng điều chỉnh.</source>
        <translation>%1 (%2) saved in the adjustments.</translation>
    </message>
    <message>
        <source>Bỏ ngày %1 (%2) khỏi bảng điều chỉnh? Ngày hẹn trả của hồ sơ tiếp nhận từ nay sẽ tính theo lịch nghỉ lễ của chương trình.</source>
        <translation>Remove %1 (%2) from the adjustments? Due dates of dossiers received from now on will follow the program&apos;s holiday calendar.</translation>
    </message>
    <message>
        <source>Xóa ngày điều chỉnh</source>
        <translation>Remove adjusted day</translation>
    </message>
    <message>
        <source>&amp;Xóa</source>
        <translation>&amp;Remove</translation>
    </message>
    <message>
        <source>&amp;Không</source>
        <translation>&amp;No</translation>
    </message>
    <message>
        <source>Đã bỏ ngày khỏi bảng điều chỉnh.</source>
        <translation>Day removed from the adjustments.</translation>
    </message>
</context>
<context>
    <name>CentralAddressDialog</name>
    <message>
        <source>Địa chỉ máy chủ trung tâm</source>
        <translation>Central server address</translation>
    </message>
    <message>
        <source>Máy này chưa nối với cơ sở dữ liệu trung tâm: hồ sơ vẫn được lưu trên máy và sẽ gửi lên khi có địa chỉ và mạng. Địa chỉ do tỉnh cấp cho từng quầy, dạng postgresql://quay_…:mật-khẩu@máy-chủ:5432/onestop</source>
        <translation>This PC is not connected to the central database: dossiers are kept here and sent once there is an address and a network. The province gives each counter its address, like postgresql://quay_…:password@server:5432/onestop</translation>
    </message>
    <message>
        <source>Lưu và đồng bộ</source>
        <translation>Save and sync</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>Đổi mật khẩu</source>
        <translation>Change password</translation>
    </message>
    <message>
        <source>Mật khẩu hiện tại</source>
        <translation>Current password</translation>
    </message>
    <message>
        <source>Mật khẩu mới</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>Nhập lại mật khẩu mới</source>
        <translation>Repeat new password</translation>
    </message>
    <message>
        <source>Tài khoản %1 (%2). Mật khẩu mới dùng được ngay ở máy này, ở các quầy khác sau lần đồng bộ tới.</source>
        <translation>Account %1 (%2). The new password works at once on this PC, and at the other counters after the next sync.</translation>
    </message>
    <message>
        <source>Đã đổi mật khẩu.</source>
        <translation>Password changed.</translation>
    </message>
</context>
<context>
    <name>CloseBatchDialog</name>
    <message>
        <source>Đóng lô %1</source>
        <translation>Close batch %1</translation>
    </message>
    <message>
        <source>%1 mục. Sau khi đóng, lô chỉ thay đổi bằng điều chỉnh có lý do.</source>
        <translation>%1 items. Once closed, the batch changes only by a correction with a reason.</translation>
    </message>
    <message>
        <source>Đóng lô</source>
        <translation>Close batch</translation>
    </message>
    <message>
        <source>Nhân viên bưu chính</source>
        <translation>Postal worker</translation>
    </message>
    <message>
        <source>Mã nhân viên</source>
        <translation>Staff ID</translation>
    </message>
</context>
<context>
    <name>DocumentChecklistModel</name>
    <message>
        <source>Giấy tờ</source>
        <translation>Document</translation>
    </message>
    <message>
        <source>Hình thức</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Số lượng</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>Đã nhận</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Giấy tờ khác</source>
        <translation>Other document</translation>
    </message>
    <message>
        <source>Không yêu cầu nộp: dữ liệu của giấy tờ này đã có trên VNeID hoặc cơ sở dữ liệu quốc gia (Chỉ thị 24/CT-TTg); hồ sơ ghi nhận là khai thác dữ liệu, không phải bản giấy.</source>
        <translation>Not to be requested: this document&apos;s data is already on VNeID or in a national database (Directive 24/CT-TTg); the dossier records it as taken from data, not as a paper.</translation>
    </message>
    <message>
        <source>Bản chính</source>
        <extracomment>The forms as the screen names them; the core&apos;s labels (``DocumentForm.label``) are the Vietnamese printed on the forms, these follow the interface&apos;s language.</extracomment>
        <translation>Original</translation>
    </message>
    <message>
        <source>Bản sao chứng thực</source>
        <translation>Certified copy</translation>
    </message>
    <message>
        <source>Bản photo</source>
        <translation>Photocopy</translation>
    </message>
    <message>
        <source>Khai thác dữ liệu</source>
        <translation>Taken from data</translation>
    </message>
    <message>
        <source>%1 (không bắt buộc)</source>
        <translation>%1 (optional)</translation>
    </message>
</context>
<context>
    <name>DossierDetailDialog</name>
    <message>
        <source>Tiếp nhận hồ sơ</source>
        <translation>Dossier received</translation>
    </message>
    <message>
        <source>In phiếu tiếp nhận</source>
        <translation>Receipt printed</translation>
    </message>
    <message>
        <source>In lại phiếu tiếp nhận</source>
        <translation>Receipt reprinted</translation>
    </message>
    <message>
        <source>Thêm tệp đính kèm</source>
        <translation>Attachment added</translation>
    </message>
    <message>
        <source>Xem dữ liệu cá nhân</source>
        <translation>Personal data viewed</translation>
    </message>
    <message>
        <source>In phiếu</source>
        <translation>Print form</translation>
    </message>
    <message>
        <source>Hồ sơ %1</source>
        <translation>Dossier %1</translation>
    </message>
    <message>
        <source>Đang tải…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Thời gian</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Sự kiện</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>Người thực hiện</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Chi tiết</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>In lại phiếu (Ctrl+P)</source>
        <translation>Reprint receipt (Ctrl+P)</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Cập nhật quá trình giải quyết…</source>
        <translation>Record progress…</translation>
    </message>
    <message>
        <source>In phiếu…</source>
        <translation>Print form…</translation>
    </message>
    <message>
        <source>Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ</source>
        <translation>Request to supplement the dossier</translation>
    </message>
    <message>
        <source>Phiếu từ chối tiếp nhận giải quyết hồ sơ</source>
        <translation>Refusal of the dossier</translation>
    </message>
    <message>
        <source>Văn bản xin lỗi, hẹn lại (gia hạn)</source>
        <translation>Apology and new appointment (extension)</translation>
    </message>
    <message>
        <source>Phiếu kiểm soát quá trình giải quyết hồ sơ</source>
        <translation>Processing control sheet</translation>
    </message>
    <message>
        <source>Thông báo dừng giải quyết hồ sơ</source>
        <translation>Notice of stopping the dossier</translation>
    </message>
    <message>
        <source>Lưu thành tệp PDF</source>
        <translation>Save as a PDF file</translation>
    </message>
    <message>
        <source>Lịch sử hồ sơ</source>
        <translation>History</translation>
    </message>
    <message>
        <source>Đang tải hồ sơ…</source>
        <translation>Loading the dossier…</translation>
    </message>
    <message>
        <source>đã lên trung tâm</source>
        <translation>sent to the centre</translation>
    </message>
    <message>
        <source>chưa gửi lên trung tâm</source>
        <translation>not yet sent to the centre</translation>
    </message>
    <message>
        <source>Lưu phiếu</source>
        <translation>Save form</translation>
    </message>
    <message>
        <source>Phiếu của hồ sơ %1</source>
        <translation>Form of dossier %1</translation>
    </message>
    <message>
        <source>Khổ %1, %2 liên</source>
        <translation>%1 paper, %2 copies</translation>
    </message>
    <message>
        <source>đến %1</source>
        <translation>to %1</translation>
    </message>
    <message>
        <source>từ %1</source>
        <translation>from %1</translation>
    </message>
    <message>
        <source>hẹn mới %1</source>
        <translation>new appointment %1</translation>
    </message>
    <message>
        <source>thu phí, lệ phí %1</source>
        <translation>fees collected %1</translation>
    </message>
    <message>
        <source>qua bưu chính</source>
        <translation>by post</translation>
    </message>
    <message>
        <source>người nhận: %1</source>
        <translation>collected by: %1</translation>
    </message>
    <message>
        <source>mẫu %1, khổ %2</source>
        <translation>form %1, paper %2</translation>
    </message>
    <message>
        <source> — tạm dừng chờ bổ sung</source>
        <translation> — paused, waiting for a supplement</translation>
    </message>
    <message>
        <source>%1 ngày </source>
        <translation>%1 days </translation>
    </message>
    <message>
        <source>%1 giờ</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source> — còn %1</source>
        <translation> — %1 left</translation>
    </message>
    <message>
        <source> — quá hạn %1</source>
        <translation> — %1 overdue</translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Người nộp</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Chủ hồ sơ</source>
        <translation>Dossier owner</translation>
    </message>
    <message>
        <source>Văn bản ủy quyền</source>
        <translation>Authorisation paper</translation>
    </message>
    <message>
        <source>Điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Thư điện tử</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Kênh tiếp nhận</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>Nhận lúc</source>
        <translation>Received at</translation>
    </message>
    <message>
        <source>Hẹn trả</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>Nhận kết quả</source>
        <translation>Result delivery</translation>
    </message>
    <message>
        <source>Số bộ</source>
        <translation>Sets</translation>
    </message>
    <message>
        <source>Phí, lệ phí</source>
        <translation>Fees</translation>
    </message>
    <message>
        <source>Thành phần hồ sơ</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>khai thác dữ liệu</source>
        <translation>taken from data</translation>
    </message>
    <message>
        <source>Người tiếp nhận</source>
        <translation>Received by</translation>
    </message>
    <message>
        <source>Sổ theo dõi</source>
        <translation>Register</translation>
    </message>
    <message>
        <source>quyển %1, số %2</source>
        <translation>volume %1, number %2</translation>
    </message>
    <message>
        <source>Số lần in</source>
        <translation>Prints</translation>
    </message>
    <message>
        <source>%1 (in lại %2)</source>
        <translation>%1 (%2 reprints)</translation>
    </message>
    <message>
        <source>Hẹn ban đầu</source>
        <translation>First appointment</translation>
    </message>
    <message>
        <source> (đã xin lỗi, hẹn lại)</source>
        <translation> (apologised, new appointment)</translation>
    </message>
    <message>
        <source>Đã thu</source>
        <translation>Collected</translation>
    </message>
    <message>
        <source>%1 — %2, %3 (%4)</source>
        <translation>%1 — %2, %3 (%4)</translation>
    </message>
    <message>
        <source>Địa giới</source>
        <translation>Boundary</translation>
    </message>
    <message>
        <source>Tiếp nhận không phụ thuộc địa giới hành chính</source>
        <translation>Received regardless of administrative boundary</translation>
    </message>
    <message>
        <source>Ưu tiên</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>có</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Tệp đính kèm</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <source>Dữ liệu cá nhân được che theo vai trò của bạn.</source>
        <translation>Personal data is masked for your role.</translation>
    </message>
</context>
<context>
    <name>DossierListView</name>
    <message>
        <source>Quét mã vạch trên phiếu, hoặc gõ mã hồ sơ, họ tên, số CCCD, điện thoại</source>
        <translation>Scan the receipt&apos;s barcode, or type a dossier code, name, citizen ID or phone</translation>
    </message>
    <message>
        <source>Ngày nhận</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Tìm (Enter)</source>
        <translation>Search (Enter)</translation>
    </message>
    <message>
        <source>Mọi trạng thái</source>
        <translation>Any status</translation>
    </message>
    <message>
        <source>Chỉ hồ sơ quá hạn</source>
        <translation>Overdue only</translation>
    </message>
    <message>
        <source>Lọc theo thủ tục</source>
        <translation>Filter by procedure</translation>
    </message>
    <message>
        <source>Lọc theo người tiếp nhận</source>
        <translation>Filter by receiving official</translation>
    </message>
    <message>
        <source>Đang tìm…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>Đang tìm hồ sơ…</source>
        <translation>Searching dossiers…</translation>
    </message>
    <message>
        <source>Không tìm thấy hồ sơ nào.</source>
        <translation>No dossier found.</translation>
    </message>
    <message>
        <source>%1 hồ sơ mới nhất; hãy thu hẹp tìm kiếm.</source>
        <translation>The %1 newest dossiers; narrow the search.</translation>
    </message>
    <message>
        <source>%1 hồ sơ.</source>
        <translation>%1 dossiers.</translation>
    </message>
    <message>
        <source>%1 hồ sơ của cơ quan khác (màu xanh).</source>
        <translation>%1 of them from other agencies (in blue).</translation>
    </message>
    <message>
        <source>Đang hiện %1 / %2 hồ sơ.</source>
        <translation>Showing %1 of %2 dossiers.</translation>
    </message>
</context>
<context>
    <name>DossierTableModel</name>
    <message>
        <source>Mã hồ sơ</source>
        <extracomment>Rows fetched per search (newest first).</extracomment>
        <translation>Dossier code</translation>
    </message>
    <message>
        <source>Ngày nhận</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Người nộp</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Hẹn trả</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Trung tâm</source>
        <translation>Central</translation>
    </message>
    <message>
        <source>đã gửi</source>
        <translation>sent</translation>
    </message>
    <message>
        <source>chờ gửi</source>
        <translation>waiting</translation>
    </message>
    <message>
        <source>Hồ sơ do cơ quan %1 tiếp nhận, được chia sẻ để xử lý (tiếp nhận không phụ thuộc địa giới hành chính)</source>
        <translation>Dossier received by agency %1 and shared for processing (reception regardless of administrative boundaries)</translation>
    </message>
    <message>
        <source>Mọi bước của hồ sơ đã lên cơ sở dữ liệu trung tâm</source>
        <translation>Every step of this dossier has reached the central database</translation>
    </message>
    <message>
        <source>Còn bước chưa gửi lên cơ sở dữ liệu trung tâm (sẽ gửi ở lần đồng bộ tới)</source>
        <translation>Some steps have not reached the central database yet (they go with the next sync)</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Thiết lập ban đầu — oneStop</source>
        <translation>First-time setup — oneStop</translation>
    </message>
    <message>
        <source>Ví dụ: Bộ phận tiếp nhận và trả kết quả UBND xã Quảng Phú</source>
        <translation>For example: Bộ phận tiếp nhận và trả kết quả UBND xã Quảng Phú</translation>
    </message>
    <message>
        <source>Ví dụ: UBND xã Quảng Phú</source>
        <translation>For example: UBND xã Quảng Phú</translation>
    </message>
    <message>
        <source>Ví dụ: G12.18.112.001 (dạng cũ: 000.17.22.H56)</source>
        <translation>For example: G12.18.112.001 (old form: 000.17.22.H56)</translation>
    </message>
    <message>
        <source>Địa danh ghi trước ngày tháng trên phiếu; để trống: tên tỉnh</source>
        <translation>Place written before the date on slips; empty: the province</translation>
    </message>
    <message>
        <source>chữ thường không dấu, ví dụ: quantri</source>
        <translation>lower case without accents, e.g. quantri</translation>
    </message>
    <message>
        <source>Nạp danh mục thủ tục mẫu cấp xã</source>
        <translation>Load the sample commune-level catalog</translation>
    </message>
    <message>
        <source>Cơ quan và quầy</source>
        <translation>Agency and counter</translation>
    </message>
    <message>
        <source>Tên bộ phận tiếp nhận</source>
        <translation>Receiving unit</translation>
    </message>
    <message>
        <source>Cơ quan chủ quản</source>
        <translation>Managing agency</translation>
    </message>
    <message>
        <source>Mã định danh điện tử</source>
        <translation>Electronic agency code</translation>
    </message>
    <message>
        <source>Tỉnh, thành phố</source>
        <translation>Province or city</translation>
    </message>
    <message>
        <source>Địa danh</source>
        <translation>Place name</translation>
    </message>
    <message>
        <source>Số quầy của máy này</source>
        <translation>This PC&apos;s counter number</translation>
    </message>
    <message>
        <source>Quản trị viên đầu tiên</source>
        <translation>First administrator</translation>
    </message>
    <message>
        <source>Tên đăng nhập</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Mật khẩu</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Nhập lại mật khẩu</source>
        <translation>Repeat password</translation>
    </message>
    <message>
        <source>Thiết lập</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Thoát</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>Máy này chưa được thiết lập. Hãy nhập thông tin cơ quan, số quầy và tài khoản quản trị viên.</source>
        <translation>This PC is not set up yet. Enter the agency, the counter number and the administrator account.</translation>
    </message>
    <message>
        <source>hai lần nhập không khớp</source>
        <translation>the two entries differ</translation>
    </message>
    <message>
        <source>Đang thiết lập…</source>
        <translation>Setting up…</translation>
    </message>
</context>
<context>
    <name>HandoverItemsModel</name>
    <message>
        <source>Mã hồ sơ</source>
        <translation>Dossier code</translation>
    </message>
    <message>
        <source>Số hiệu bưu gửi</source>
        <translation>Tracking number</translation>
    </message>
    <message>
        <source>Tình trạng</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Người quét</source>
        <translation>Scanned by</translation>
    </message>
    <message>
        <source>Lúc quét</source>
        <translation>Scanned at</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>HandoverView</name>
    <message>
        <source>Đã nhận</source>
        <extracomment>Banner background per outcome: green done, amber duplicate, red refused, grey closed. Background of an item row that still waits for something. Fees typed at the counter stay below this (QSpinBox is 32-bit); the core allows more.</extracomment>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>Đã gắn số hiệu bưu gửi</source>
        <translation>Tracking number attached</translation>
    </message>
    <message>
        <source>Quét trùng</source>
        <translation>Already scanned</translation>
    </message>
    <message>
        <source>Không nhận ra</source>
        <translation>Not recognised</translation>
    </message>
    <message>
        <source>Chưa thể bàn giao</source>
        <translation>Cannot be handed over yet</translation>
    </message>
    <message>
        <source>Thuộc lô khác</source>
        <translation>Belongs to another batch</translation>
    </message>
    <message>
        <source>Lô đã đóng</source>
        <translation>Batch closed</translation>
    </message>
    <message>
        <source>Giao kết quả cho bưu chính</source>
        <translation>Results to the post</translation>
    </message>
    <message>
        <source>Nhận hồ sơ từ bưu chính</source>
        <translation>Dossiers from the post</translation>
    </message>
    <message>
        <source>chờ số hiệu bưu gửi</source>
        <translation>waiting for its tracking number</translation>
    </message>
    <message>
        <source>chờ tiếp nhận</source>
        <translation>waiting to be received</translation>
    </message>
    <message>
        <source>xong</source>
        <translation>done</translation>
    </message>
    <message>
        <source>đã bỏ khỏi lô</source>
        <translation>removed from the batch</translation>
    </message>
    <message>
        <source>đã đóng</source>
        <translation>closed</translation>
    </message>
    <message>
        <source>đang mở</source>
        <translation>open</translation>
    </message>
    <message>
        <source>Mở lô mới…</source>
        <translation>Open a new batch…</translation>
    </message>
    <message>
        <source>Lô của hôm nay</source>
        <translation>Today&apos;s batches</translation>
    </message>
    <message>
        <source>Chưa mở lô nào: bấm “Mở lô mới…” hoặc chọn một lô của hôm nay.</source>
        <translation>No batch open: press “Open a new batch…” or pick one of today&apos;s batches.</translation>
    </message>
    <message>
        <source>Tiếp nhận hồ sơ…</source>
        <translation>Receive dossier…</translation>
    </message>
    <message>
        <source>Bỏ khỏi lô…</source>
        <translation>Remove from batch…</translation>
    </message>
    <message>
        <source>Kết quả phát…</source>
        <translation>Delivery outcome…</translation>
    </message>
    <message>
        <source>Đóng lô</source>
        <translation>Close batch</translation>
    </message>
    <message>
        <source>In danh sách bàn giao</source>
        <translation>Print handover list</translation>
    </message>
    <message>
        <source>hoặc lô của hôm nay:</source>
        <translation>or today&apos;s batch:</translation>
    </message>
    <message>
        <source>Lô đã đóng lúc %1 với %2 mục.</source>
        <translation>Batch closed at %1 with %2 items.</translation>
    </message>
    <message>
        <source>còn %1 mục chưa xong</source>
        <translation>%1 items not finished</translation>
    </message>
    <message>
        <source>%1 mục, đều đã xong</source>
        <translation>%1 items, all finished</translation>
    </message>
    <message>
        <source>đang xử lý %1 lần quét…</source>
        <translation>processing %1 scans…</translation>
    </message>
    <message>
        <source>Chưa có đơn vị bưu chính nào trong danh mục; quản trị viên cần thêm trước.</source>
        <translation>There is no post office in the list yet; an administrator must add one first.</translation>
    </message>
    <message>
        <source>Đã mở lô %1. Quét mã vạch.</source>
        <translation>Batch %1 is open. Scan the barcodes.</translation>
    </message>
    <message>
        <source>Chưa chọn lô bàn giao: mở lô mới hoặc chọn một lô của hôm nay.</source>
        <translation>No handover batch chosen: open a new batch or pick one of today&apos;s.</translation>
    </message>
    <message>
        <source>Quét lần đầu bởi %1.</source>
        <translation>First scanned by %1.</translation>
    </message>
    <message>
        <source>Đã đóng lô %1: %2 mục, nhân viên bưu chính %3.</source>
        <translation>Batch %1 closed: %2 items, postal worker %3.</translation>
    </message>
    <message>
        <source>Đang tạo danh sách bàn giao %1…</source>
        <translation>Making handover list %1…</translation>
    </message>
    <message>
        <source>Danh sách bàn giao %1 chưa in ra giấy. Có thể chọn máy in khác trong cửa sổ xem trước.</source>
        <translation>The handover list %1 has not been printed. Another printer can be chosen in the preview.</translation>
    </message>
    <message>
        <source>Danh sách bàn giao — %1</source>
        <translation>Handover list — %1</translation>
    </message>
    <message>
        <source>Đang tiếp nhận hồ sơ…</source>
        <translation>Receiving the dossier…</translation>
    </message>
    <message>
        <source>Đã tiếp nhận bưu gửi %1 thành hồ sơ %2, hẹn trả %3.</source>
        <translation>Postal item %1 received as dossier %2, result due %3.</translation>
    </message>
    <message>
        <source>Đã bỏ %1 khỏi lô.</source>
        <translation>%1 removed from the batch.</translation>
    </message>
    <message>
        <source>Đã ghi nhận: kết quả hồ sơ %1 đã phát cho %2.</source>
        <translation>Recorded: the result of dossier %1 was delivered to %2.</translation>
    </message>
    <message>
        <source>Đã ghi nhận: kết quả hồ sơ %1 không phát được, trở lại quầy để trả.</source>
        <translation>Recorded: the result of dossier %1 could not be delivered and is back at the counter.</translation>
    </message>
</context>
<context>
    <name>ImportReportDialog</name>
    <message>
        <source>Nhập danh mục thủ tục</source>
        <translation>Import procedure catalog</translation>
    </message>
    <message>
        <source>Đã nhập %1: %2 thủ tục thêm mới, %3 cập nhật, %4 không đổi.</source>
        <translation>Imported %1: %2 procedures added, %3 updated, %4 unchanged.</translation>
    </message>
    <message>
        <source>Không nhập tệp %1: có %2 lỗi, danh mục giữ nguyên. Sửa các dòng dưới đây rồi nhập lại.</source>
        <translation>%1 was not imported: %2 errors, the catalog is unchanged. Fix the rows below and import again.</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Đăng nhập — oneStop</source>
        <translation>Sign in — oneStop</translation>
    </message>
    <message>
        <source>Đăng nhập</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Thoát</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>Tên đăng nhập</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Mật khẩu</source>
        <translation>Password</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Tiếp nhận hồ sơ một cửa</source>
        <extracomment>The window&apos;s size and state, kept in the data folder. The size the window opens at when it has none of its own yet and the screen allows. Room for the title bar and the frame the window manager adds. the user asks to sign out (another may sign in); the start-up sequence closes the window an administrator chose a backup to restore (a ``RestoreRequest``); the start-up sequence closes the window, restores, and asks to sign in again</extracomment>
        <translation>One-stop reception</translation>
    </message>
    <message>
        <source>Tiếp nhận hồ sơ (F2)</source>
        <translation>Reception (F2)</translation>
    </message>
    <message>
        <source>Danh sách hồ sơ (F3)</source>
        <translation>Dossier list (F3)</translation>
    </message>
    <message>
        <source>Bàn giao bưu chính</source>
        <translation>Postal handover</translation>
    </message>
    <message>
        <source>Sổ theo dõi, ký duyệt (F4)</source>
        <translation>Tracking book, sign-off (F4)</translation>
    </message>
    <message>
        <source>Tổng quan</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>Báo cáo định kỳ</source>
        <translation>Periodic reports</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>&amp;Chương trình</source>
        <translation>&amp;Program</translation>
    </message>
    <message>
        <source>Máy này chưa nối với máy chủ trung tâm: quản trị viên đặt địa chỉ (Quản trị → Địa chỉ máy chủ trung tâm…).</source>
        <translation>This PC is not connected to the central server: an administrator sets its address (Administration → Central server address…).</translation>
    </message>
    <message>
        <source>Thoát</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>Đồng bộ với trung tâm ngay</source>
        <translation>Sync with the centre now</translation>
    </message>
    <message>
        <source>&amp;Thiết lập của máy này (máy in, ngôn ngữ)…</source>
        <translation>This PC&apos;s &amp;settings (printer, language)…</translation>
    </message>
    <message>
        <source>Đổi &amp;mật khẩu…</source>
        <translation>Change &amp;password…</translation>
    </message>
    <message>
        <source>Đăng &amp;xuất, đổi người dùng</source>
        <translation>Sign &amp;out, switch user</translation>
    </message>
    <message>
        <source>Th&amp;oát</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>Nhập &amp;danh mục thủ tục…</source>
        <translation>&amp;Import procedure catalog…</translation>
    </message>
    <message>
        <source>Địa chỉ máy chủ &amp;trung tâm…</source>
        <translation>Central server a&amp;ddress…</translation>
    </message>
    <message>
        <source>&amp;Người dùng…</source>
        <translation>&amp;Users…</translation>
    </message>
    <message>
        <source>&amp;Giờ làm việc, chỉ tiêu, mã hồ sơ…</source>
        <translation>&amp;Working hours, targets, dossier codes…</translation>
    </message>
    <message>
        <source>&amp;Lịch làm việc: ngày nghỉ, ngày làm bù…</source>
        <translation>Working &amp;calendar: days off, extra working days…</translation>
    </message>
    <message>
        <source>Đơn vị &amp;bưu chính…</source>
        <translation>&amp;Postal units…</translation>
    </message>
    <message>
        <source>Bộ &amp;quy định biểu mẫu…</source>
        <translation>&amp;Regulation profiles…</translation>
    </message>
    <message>
        <source>&amp;Xuất sự kiện chưa gửi ra tệp (USB)…</source>
        <translation>&amp;Export unsent events to a file (USB)…</translation>
    </message>
    <message>
        <source>Nhậ&amp;p tệp sự kiện từ USB lên trung tâm…</source>
        <translation>Import an event &amp;file from USB to the centre…</translation>
    </message>
    <message>
        <source>&amp;Sao lưu dữ liệu…</source>
        <translation>&amp;Back up data…</translation>
    </message>
    <message>
        <source>&amp;Khôi phục dữ liệu từ bản sao…</source>
        <translation>Re&amp;store data from a backup…</translation>
    </message>
    <message>
        <source>&amp;Quản trị</source>
        <translation>&amp;Administration</translation>
    </message>
    <message>
        <source>&amp;Hồ sơ</source>
        <translation>&amp;Dossiers</translation>
    </message>
    <message>
        <source>Tiếp nhận hồ sơ</source>
        <translation>Receive a dossier</translation>
    </message>
    <message>
        <source>Danh sách, tìm hồ sơ</source>
        <translation>List and search dossiers</translation>
    </message>
    <message>
        <source>Sổ theo dõi, ký duyệt</source>
        <translation>Tracking book, sign-off</translation>
    </message>
    <message>
        <source>&amp;Trợ giúp</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>Giới thiệu và chẩn đoán…</source>
        <translation>About and diagnostics…</translation>
    </message>
    <message>
        <source>Đang nạp danh mục thủ tục…</source>
        <translation>Loading the procedure catalog…</translation>
    </message>
    <message>
        <source>Quầy số %1 · %2 · %3</source>
        <translation>Counter %1 · %2 · %3</translation>
    </message>
    <message>
        <source>Đang nhập danh mục thủ tục…</source>
        <translation>Importing the procedure catalog…</translation>
    </message>
    <message>
        <source>Chọn tệp danh mục thủ tục</source>
        <translation>Choose a procedure catalog file</translation>
    </message>
    <message>
        <source>Đã lưu thiết lập.</source>
        <translation>Settings saved.</translation>
    </message>
    <message>
        <source>Đang xử lý</source>
        <translation>Busy</translation>
    </message>
    <message>
        <source>Chương trình đang lưu hoặc in. Việc đang lưu sẽ được làm xong; phiếu chưa in có thể in lại từ Danh sách hồ sơ. Thoát?</source>
        <translation>The program is saving or printing. Saves under way will complete; a receipt not printed yet can be reprinted from the dossier list. Quit?</translation>
    </message>
    <message>
        <source>Ở lại</source>
        <translation>Stay</translation>
    </message>
</context>
<context>
    <name>MissingDocumentsDialog</name>
    <message>
        <source>Hồ sơ còn thiếu giấy tờ</source>
        <translation>Documents missing</translation>
    </message>
    <message>
        <source>Chưa đánh dấu đã nhận các giấy tờ bắt buộc sau:</source>
        <translation>These required documents are not ticked as handed in:</translation>
    </message>
    <message>
        <source>Theo quy định, hồ sơ chưa đầy đủ thì hướng dẫn bổ sung một lần, đầy đủ, bằng văn bản (Mẫu 02).</source>
        <translation>The rules say: an incomplete dossier is answered once, in full and in writing (Form 02).</translation>
    </message>
    <message>
        <source>Yêu cầu &amp;bổ sung (Mẫu 02)</source>
        <translation>Ask to &amp;supplement (Form 02)</translation>
    </message>
    <message>
        <source>&amp;Vẫn tiếp nhận, ghi chú còn thiếu</source>
        <translation>Receive &amp;anyway, noting what is missing</translation>
    </message>
    <message>
        <source>Từ &amp;chối tiếp nhận (Mẫu 03)…</source>
        <translation>Re&amp;fuse (Form 03)…</translation>
    </message>
    <message>
        <source>&amp;Quay lại sửa</source>
        <translation>&amp;Back to the form</translation>
    </message>
</context>
<context>
    <name>OpenBatchDialog</name>
    <message>
        <source>Mở lô bàn giao</source>
        <translation>Open a handover batch</translation>
    </message>
    <message>
        <source>Mở lô</source>
        <translation>Open batch</translation>
    </message>
    <message>
        <source>Chiều bàn giao</source>
        <translation>Direction</translation>
    </message>
    <message>
        <source>Đơn vị bưu chính</source>
        <translation>Post office</translation>
    </message>
    <message>
        <source>Nhân viên bưu chính</source>
        <translation>Postal worker</translation>
    </message>
    <message>
        <source>Mã nhân viên</source>
        <translation>Staff ID</translation>
    </message>
</context>
<context>
    <name>OutcomeDialog</name>
    <message>
        <source>Kết quả phát của bưu chính</source>
        <translation>Postal delivery outcome</translation>
    </message>
    <message>
        <source>quét hoặc gõ mã hồ sơ</source>
        <translation>scan or type the dossier code</translation>
    </message>
    <message>
        <source>Đã phát</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <source>Không phát được (trả về quầy)</source>
        <translation>Undeliverable (back to the counter)</translation>
    </message>
    <message>
        <source>Ghi nhận</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>Mã hồ sơ</source>
        <translation>Dossier code</translation>
    </message>
    <message>
        <source>Kết quả</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>Người nhận</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <source>Lý do không phát được</source>
        <translation>Why it could not be delivered</translation>
    </message>
</context>
<context>
    <name>PassphraseFields</name>
    <message>
        <source>Cụm mật khẩu sao lưu</source>
        <translation>Backup passphrase</translation>
    </message>
    <message>
        <source>Nhập lại cụm mật khẩu</source>
        <translation>Repeat passphrase</translation>
    </message>
    <message>
        <source>hai lần nhập không khớp</source>
        <translation>the two entries differ</translation>
    </message>
</context>
<context>
    <name>PostalUnitForm</name>
    <message>
        <source>Thêm đơn vị bưu chính</source>
        <translation>Add postal unit</translation>
    </message>
    <message>
        <source>Sửa đơn vị bưu chính</source>
        <translation>Edit postal unit</translation>
    </message>
    <message>
        <source>Ví dụ: BC-QP</source>
        <translation>For example: BC-QP</translation>
    </message>
    <message>
        <source>Ví dụ: Bưu cục Quảng Phú</source>
        <translation>For example: Bưu cục Quảng Phú</translation>
    </message>
    <message>
        <source>&amp;Lưu</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <source>&amp;Hủy</source>
        <translation>&amp;Cancel</translation>
    </message>
    <message>
        <source>&amp;Mã</source>
        <translation>Co&amp;de</translation>
    </message>
    <message>
        <source>&amp;Tên</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>Đị&amp;a chỉ</source>
        <translation>&amp;Address</translation>
    </message>
    <message>
        <source>Điện th&amp;oại</source>
        <translation>&amp;Phone</translation>
    </message>
    <message>
        <source>Đang lưu đơn vị bưu chính…</source>
        <translation>Saving the postal unit…</translation>
    </message>
</context>
<context>
    <name>PostalUnitsDialog</name>
    <message>
        <source>Đơn vị bưu chính</source>
        <extracomment>The table shows what the core holds (after opening and after each change).</extracomment>
        <translation>Postal units</translation>
    </message>
    <message>
        <source>Đang tải…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Mã</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Tên</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Tình trạng</source>
        <translation>State</translation>
    </message>
    <message>
        <source>&amp;Thêm…</source>
        <translation>&amp;Add…</translation>
    </message>
    <message>
        <source>&amp;Sửa…</source>
        <translation>&amp;Edit…</translation>
    </message>
    <message>
        <source>&amp;Ngừng dùng</source>
        <translation>&amp;Deactivate</translation>
    </message>
    <message>
        <source>Đón&amp;g</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <source>Chỉ quản trị viên được thêm, sửa hay ngừng dùng đơn vị bưu chính; bạn chỉ xem được.</source>
        <translation>Only an administrator can add, edit or deactivate postal units; you can only view them.</translation>
    </message>
    <message>
        <source>Đang dùng</source>
        <translation>In use</translation>
    </message>
    <message>
        <source>Ngừng dùng</source>
        <translation>Deactivated</translation>
    </message>
    <message>
        <source>%1 đơn vị đang dùng, %2 đã ngừng dùng.</source>
        <translation>%1 units in use, %2 deactivated.</translation>
    </message>
    <message>
        <source>Chưa có đơn vị bưu chính nào. Thêm đơn vị để mở được lô bàn giao.</source>
        <translation>There is no postal unit yet. Add one to be able to open handover batches.</translation>
    </message>
    <message>
        <source>Không tải được danh sách: %1</source>
        <translation>Could not load the list: %1</translation>
    </message>
    <message>
        <source>&amp;Dùng lại</source>
        <translation>&amp;Reactivate</translation>
    </message>
    <message>
        <source>Đã lưu %1 — %2.</source>
        <translation>%1 — %2 saved.</translation>
    </message>
    <message>
        <source>Ngừng dùng đơn vị «%1 — %2»? Đơn vị sẽ không còn trong danh sách khi mở lô bàn giao mới; các lô đã có không thay đổi. Có thể dùng lại sau.</source>
        <translation>Deactivate the unit «%1 — %2»? It will no longer be offered when a new handover batch is opened; existing batches do not change. It can be reactivated later.</translation>
    </message>
    <message>
        <source>Ngừng dùng đơn vị bưu chính</source>
        <translation>Deactivate postal unit</translation>
    </message>
    <message>
        <source>&amp;Không</source>
        <translation>&amp;No</translation>
    </message>
    <message>
        <source>Đang lưu đơn vị bưu chính…</source>
        <translation>Saving the postal unit…</translation>
    </message>
    <message>
        <source>Đã ngừng dùng %1.</source>
        <translation>%1 deactivated.</translation>
    </message>
    <message>
        <source>Đã dùng lại %1.</source>
        <translation>%1 reactivated.</translation>
    </message>
</context>
<context>
    <name>PrintPreviewDialog</name>
    <message>
        <source>Bản in lại — %1</source>
        <extracomment>An A5 page at the preview&apos;s resolution, the bar under it and the margins. What the window manager adds around a window (title bar, borders) and a taskbar may take.</extracomment>
        <translation>Reprint — %1</translation>
    </message>
    <message>
        <source>Phiếu tiếp nhận — %1</source>
        <translation>Receipt — %1</translation>
    </message>
    <message>
        <source>Đang dựng trang…</source>
        <translation>Rendering pages…</translation>
    </message>
    <message>
        <source>In (Ctrl+P)</source>
        <translation>Print (Ctrl+P)</translation>
    </message>
    <message>
        <source>Chọn máy in…</source>
        <translation>Choose printer…</translation>
    </message>
    <message>
        <source>Lưu PDF…</source>
        <translation>Save PDF…</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Máy in: %1</source>
        <translation>Printer: %1</translation>
    </message>
    <message>
        <source>Chưa chọn máy in</source>
        <translation>No printer chosen</translation>
    </message>
    <message>
        <source>Đang lưu tệp…</source>
        <translation>Saving the file…</translation>
    </message>
    <message>
        <source>Lưu phiếu thành tệp PDF</source>
        <translation>Save the receipt as a PDF file</translation>
    </message>
</context>
<context>
    <name>PrinterChoiceDialog</name>
    <message>
        <source>Chọn máy in</source>
        <translation>Choose printer</translation>
    </message>
    <message>
        <source>Máy in của quầy</source>
        <translation>Counter printer</translation>
    </message>
    <message>
        <source>Chọn</source>
        <translation>Choose</translation>
    </message>
    <message>
        <source>Máy tính này chưa cài máy in nào.</source>
        <translation>No printer is installed on this computer.</translation>
    </message>
</context>
<context>
    <name>ProcedurePicker</name>
    <message>
        <source>Gõ vài chữ của tên thủ tục, không cần dấu (ví dụ: dang ky khai sinh)</source>
        <extracomment>Rows of results shown under the field.</extracomment>
        <translation>Type a few words of the procedure, accents optional (e.g. dang ky khai sinh)</translation>
    </message>
</context>
<context>
    <name>ProfilesDialog</name>
    <message>
        <source>Giấy tiếp nhận hồ sơ và hẹn trả kết quả</source>
        <extracomment>The forms&apos; names, in the order a dossier meets them.</extracomment>
        <translation>Dossier receipt and result appointment</translation>
    </message>
    <message>
        <source>Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ</source>
        <translation>Request to supplement and complete the dossier</translation>
    </message>
    <message>
        <source>Phiếu từ chối tiếp nhận hồ sơ</source>
        <translation>Refusal to receive the dossier</translation>
    </message>
    <message>
        <source>Phiếu xin lỗi và hẹn lại ngày trả kết quả</source>
        <translation>Apology and new result date</translation>
    </message>
    <message>
        <source>Thông báo dừng giải quyết hồ sơ</source>
        <translation>Notice of stopping the dossier</translation>
    </message>
    <message>
        <source>Phiếu kiểm soát quá trình giải quyết hồ sơ</source>
        <translation>Dossier processing control sheet</translation>
    </message>
    <message>
        <source>Sổ theo dõi hồ sơ</source>
        <translation>Dossier register</translation>
    </message>
    <message>
        <source>Bộ quy định biểu mẫu</source>
        <translation>Regulation profiles</translation>
    </message>
    <message>
        <source>Đang tải…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Mã</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Tên</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Hiệu lực từ</source>
        <translation>In force from</translation>
    </message>
    <message>
        <source>Đến hết ngày</source>
        <translation>In force until</translation>
    </message>
    <message>
        <source>Biểu mẫu</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Số hiệu</source>
        <translation>Number</translation>
    </message>
    <message>
        <source>Tên trên mẫu</source>
        <translation>Name on the form</translation>
    </message>
    <message>
        <source>&amp;Công bố từ tệp JSON…</source>
        <translation>&amp;Publish from a JSON file…</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Các biểu mẫu của bộ quy định đang chọn:</source>
        <translation>Forms of the selected regulation profile:</translation>
    </message>
    <message>
        <source> (đang áp dụng)</source>
        <translation> (in force)</translation>
    </message>
    <message>
        <source>Hồ sơ tiếp nhận hôm nay theo bộ quy định %1 (%2). Mỗi hồ sơ giữ bộ quy định của ngày tiếp nhận khi in lại.</source>
        <translation>Dossiers received today follow regulation profile %1 (%2). When reprinted, each dossier keeps the profile of the day it was received.</translation>
    </message>
    <message>
        <source>Chọn tệp bộ quy định (JSON)</source>
        <translation>Choose a regulation profile file (JSON)</translation>
    </message>
    <message>
        <source>Đang công bố bộ quy định…</source>
        <translation>Publishing the regulation profile…</translation>
    </message>
    <message>
        <source>Đã công bố %1: %2, hiệu lực từ %3. Các quầy khác nhận được khi đồng bộ.</source>
        <translation>Published %1: %2, in force from %3. The other counters receive it when they sync.</translation>
    </message>
</context>
<context>
    <name>ReceiptPrinting</name>
    <message>
        <source>Đang tạo phiếu tiếp nhận %1…</source>
        <extracomment>The forms&apos; numbers, as the official knows them.</extracomment>
        <translation>Making the receipt of %1…</translation>
    </message>
    <message>
        <source>Phiếu của hồ sơ %1 đã được tạo nhưng chưa in ra giấy. Có thể chọn máy in khác trong cửa sổ xem trước.</source>
        <translation>The receipt of dossier %1 was made but not printed on paper. You can choose another printer in the preview.</translation>
    </message>
    <message>
        <source>Đang tạo phiếu của hồ sơ %1…</source>
        <translation>Making the form of dossier %1…</translation>
    </message>
    <message>
        <source>Đã gửi %1 tới máy in %2.</source>
        <translation>%1 sent to printer %2.</translation>
    </message>
    <message>
        <source>Đang in %1…</source>
        <translation>Printing %1…</translation>
    </message>
</context>
<context>
    <name>ReceiveItemDialog</name>
    <message>
        <source>Tiếp nhận bưu gửi %1</source>
        <translation>Receive postal item %1</translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation>Receive</translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Họ tên người nộp</source>
        <translation>Applicant&apos;s full name</translation>
    </message>
    <message>
        <source>Số định danh cá nhân</source>
        <translation>Personal ID number</translation>
    </message>
    <message>
        <source>Số điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Phí bưu chính đã thu</source>
        <translation>Postal fee collected</translation>
    </message>
    <message>
        <source>Số bản chính ghi trên phiếu gửi</source>
        <translation>Originals stated on the postal slip</translation>
    </message>
    <message>
        <source>Số bản sao ghi trên phiếu gửi</source>
        <translation>Copies stated on the postal slip</translation>
    </message>
    <message>
        <source>không ghi</source>
        <translation>not stated</translation>
    </message>
</context>
<context>
    <name>ReceptionView</name>
    <message>
        <source>Chưa chọn thủ tục</source>
        <extracomment>How often the live appointment is recomputed (the clock moves, the cut-off passes). A scanner types the whole QR code within a few milliseconds per character; the code is read once the typing has paused this long. Fees typed at the counter stay below this (QSpinBox is 32-bit); the core allows more.</extracomment>
        <translation>No procedure chosen</translation>
    </message>
    <message>
        <source>Thủ tục hành chính (F2)</source>
        <translation>Administrative procedure (F2)</translation>
    </message>
    <message>
        <source>12 chữ số, hoặc quét mã QR trên CCCD gắn chíp</source>
        <translation>12 digits, or scan the QR code of the chip ID card</translation>
    </message>
    <message>
        <source>Họ và tên người nộp</source>
        <translation>Applicant&apos;s full name</translation>
    </message>
    <message>
        <source>Ví dụ: 0912 345 678</source>
        <translation>For example: 0912 345 678</translation>
    </message>
    <message>
        <source>Số nhà, thôn/phố, xã/phường, tỉnh/thành phố</source>
        <translation>House number, village/street, commune/ward, province/city</translation>
    </message>
    <message>
        <source>Người nộp là tổ chức</source>
        <translation>The applicant is an organisation</translation>
    </message>
    <message>
        <source>Mã số thuế của tổ chức</source>
        <translation>The organisation&apos;s tax code</translation>
    </message>
    <message>
        <source>Dùng thông tin lần trước</source>
        <translation>Use last time&apos;s details</translation>
    </message>
    <message>
        <source>Chủ hồ sơ khác người nộp</source>
        <translation>The owner is not the applicant</translation>
    </message>
    <message>
        <source>Chủ hồ sơ</source>
        <translation>Dossier owner</translation>
    </message>
    <message>
        <source>Họ tên chủ hồ sơ</source>
        <translation>Owner&apos;s full name</translation>
    </message>
    <message>
        <source>Số định danh</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Người nộp hồ sơ</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Số CCCD</source>
        <translation>Citizen ID</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Giấy ủy quyền số …, ngày … (nếu có)</source>
        <translation>Authorisation no. …, dated … (if any)</translation>
    </message>
    <message>
        <source>Thư điện tử</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Văn bản ủy quyền</source>
        <translation>Authorisation paper</translation>
    </message>
    <message>
        <source>Mã số thuế</source>
        <translation>Tax code</translation>
    </message>
    <message>
        <source>Thêm giấy tờ khác</source>
        <translation>Add another document</translation>
    </message>
    <message>
        <source>Thành phần hồ sơ (Dấu cách: đánh dấu đã nhận)</source>
        <translation>Documents (Space: mark as received)</translation>
    </message>
    <message>
        <source>Tiếp nhận không phụ thuộc địa giới hành chính</source>
        <translation>Received regardless of administrative boundary</translation>
    </message>
    <message>
        <source>Số hiệu bưu gửi, ví dụ EE123456789VN</source>
        <translation>Tracking number, e.g. EE123456789VN</translation>
    </message>
    <message>
        <source>Để trống: gửi về địa chỉ người nộp</source>
        <translation>Empty: send to the applicant&apos;s address</translation>
    </message>
    <message>
        <source>Ưu tiên</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Lý do: người cao tuổi, người khuyết tật, …</source>
        <translation>Reason: elderly person, person with a disability, …</translation>
    </message>
    <message>
        <source>Thêm tệp scan…</source>
        <translation>Add scanned file…</translation>
    </message>
    <message>
        <source>Bỏ tệp</source>
        <translation>Remove file</translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation>Reception</translation>
    </message>
    <message>
        <source>Phí, lệ phí</source>
        <translation>Fees</translation>
    </message>
    <message>
        <source>Số bộ hồ sơ</source>
        <translation>Number of sets</translation>
    </message>
    <message>
        <source>Kênh tiếp nhận</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>Địa giới</source>
        <translation>Boundary</translation>
    </message>
    <message>
        <source>Số hiệu bưu gửi</source>
        <translation>Postal tracking number</translation>
    </message>
    <message>
        <source>Nhận kết quả</source>
        <translation>Result delivery</translation>
    </message>
    <message>
        <source>Địa chỉ nhận kết quả</source>
        <translation>Delivery address</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Tệp đính kèm</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <source>Lưu và in phiếu (Ctrl+S, F9)</source>
        <translation>Save and print (Ctrl+S, F9)</translation>
    </message>
    <message>
        <source>Nhập hồ sơ mới (Ctrl+N)</source>
        <translation>New dossier (Ctrl+N)</translation>
    </message>
    <message>
        <source>Tên tổ chức</source>
        <translation>Organisation name</translation>
    </message>
    <message>
        <source>%1 ngày làm việc</source>
        <translation>%1 working days</translation>
    </message>
    <message>
        <source> %1 giờ</source>
        <translation> %1 h</translation>
    </message>
    <message>
        <source>%1 giờ làm việc</source>
        <translation>%1 working hours</translation>
    </message>
    <message>
        <source>trả ngay trong ngày</source>
        <translation>same day</translation>
    </message>
    <message>
        <source>Thời hạn giải quyết</source>
        <translation>Processing time</translation>
    </message>
    <message>
        <source>Trực tiếp</source>
        <translation>In person</translation>
    </message>
    <message>
        <source>Trực tuyến</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Qua dịch vụ bưu chính công ích</source>
        <translation>Through the public postal service</translation>
    </message>
    <message>
        <source>Trực tuyến qua VNeID</source>
        <translation>Online through VNeID</translation>
    </message>
    <message>
        <source>Trực tuyến có hỗ trợ tại quầy</source>
        <translation>Online, assisted at the counter</translation>
    </message>
    <message>
        <source>Người nộp ở ngoài địa bàn, hoặc hồ sơ của cơ quan nơi khác: thủ tục được tiếp nhận không phụ thuộc địa giới hành chính từ ngày %1.</source>
        <translation>Applicant from outside the area, or a dossier for another area&apos;s agency: the procedure is received regardless of administrative boundary from %1.</translation>
    </message>
    <message>
        <source>Thủ tục này được tiếp nhận không phụ thuộc địa giới hành chính từ ngày %1.</source>
        <translation>This procedure is received regardless of administrative boundary from %1.</translation>
    </message>
    <message>
        <source>Thủ tục này không thuộc danh mục tiếp nhận không phụ thuộc địa giới hành chính.</source>
        <translation>This procedure is not on the list received regardless of administrative boundary.</translation>
    </message>
    <message>
        <source>Đang ngoài giờ tiếp nhận: %1. Thời hạn giải quyết tính từ %2.</source>
        <translation>Outside reception hours: %1. The time limit counts from %2.</translation>
    </message>
    <message>
        <source>Hẹn trả kết quả: %1</source>
        <translation>Result due: %1</translation>
    </message>
    <message>
        <source>Chưa đánh dấu giấy tờ bắt buộc: %1</source>
        <translation>Required documents not ticked: %1</translation>
    </message>
    <message>
        <source>Không đọc được mã QR trên CCCD; hãy quét lại</source>
        <translation>Could not read the ID card&apos;s QR code; scan again</translation>
    </message>
    <message>
        <source>Người này đã nộp hồ sơ tại đây; đã điền thông tin lần trước.</source>
        <translation>This person has applied here before; last time&apos;s details were filled in.</translation>
    </message>
    <message>
        <source>Lần trước: %1, %2, %3</source>
        <translation>Last time: %1, %2, %3</translation>
    </message>
    <message>
        <source>Chọn tệp scan giấy tờ</source>
        <translation>Choose scanned documents</translation>
    </message>
    <message>
        <source>chưa chọn thủ tục</source>
        <translation>no procedure chosen</translation>
    </message>
    <message>
        <source>Hồ sơ %1: đã in Phiếu yêu cầu bổ sung (Mẫu 02), chưa hẹn trả</source>
        <translation>Dossier %1: supplement request (Form 02) printed, no appointment yet</translation>
    </message>
    <message>
        <source>Hồ sơ %1: đã từ chối tiếp nhận, in Phiếu từ chối (Mẫu 03)</source>
        <translation>Dossier %1: refused, refusal (Form 03) printed</translation>
    </message>
    <message>
        <source>Đã tiếp nhận hồ sơ %1 — hẹn trả %2</source>
        <translation>Dossier %1 received — due %2</translation>
    </message>
    <message>
        <source>Phiếu yêu cầu bổ sung — %1</source>
        <translation>Supplement request — %1</translation>
    </message>
    <message>
        <source>Phiếu từ chối tiếp nhận — %1</source>
        <translation>Refusal — %1</translation>
    </message>
    <message>
        <source>không đọc được “%1”: %2</source>
        <translation>cannot read “%1”: %2</translation>
    </message>
</context>
<context>
    <name>RefusalDialog</name>
    <message>
        <source>Từ chối tiếp nhận hồ sơ</source>
        <translation>Refuse the dossier</translation>
    </message>
    <message>
        <source>Từ &amp;chối và in Mẫu 03</source>
        <translation>Re&amp;fuse and print Form 03</translation>
    </message>
    <message>
        <source>&amp;Quay lại</source>
        <translation>&amp;Back</translation>
    </message>
    <message>
        <source>Lý do từ chối (in trên Mẫu 03):</source>
        <translation>Reason for the refusal (printed on Form 03):</translation>
    </message>
    <message>
        <source>Cần ghi lý do từ chối.</source>
        <translation>A reason for the refusal is needed.</translation>
    </message>
    <message>
        <source>Xác nhận từ chối</source>
        <translation>Confirm the refusal</translation>
    </message>
    <message>
        <source>Từ chối tiếp nhận hồ sơ này? Hồ sơ được ghi là không được tiếp nhận và in Phiếu từ chối (Mẫu 03) để giao người nộp.</source>
        <translation>Refuse this dossier? It is recorded as not received, and the refusal (Form 03) is printed for the applicant.</translation>
    </message>
    <message>
        <source>&amp;Từ chối</source>
        <translation>&amp;Refuse</translation>
    </message>
    <message>
        <source>&amp;Không</source>
        <translation>&amp;No</translation>
    </message>
</context>
<context>
    <name>RemoveItemDialog</name>
    <message>
        <source>Bỏ khỏi lô: %1</source>
        <translation>Remove from batch: %1</translation>
    </message>
    <message>
        <source>Bỏ khỏi lô</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Lý do</source>
        <translation>Reason</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <source>Đặt lại mật khẩu</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <source>Mật khẩu mới</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>Nhập lại mật khẩu mới</source>
        <translation>Repeat new password</translation>
    </message>
    <message>
        <source>Mật khẩu mới cho %1 (%2). Hãy trao mật khẩu này tận tay người dùng.</source>
        <translation>New password for %1 (%2). Hand this password to the user in person.</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>Khôi phục dữ liệu từ bản sao lưu</source>
        <translation>Restore data from a backup</translation>
    </message>
    <message>
        <source>Chọn bản sao lưu cần khôi phục. Chưa có gì bị thay đổi cho tới khi anh/chị xác nhận; việc khôi phục diễn ra khi chương trình đóng cửa sổ.</source>
        <translation>Choose the backup to restore. Nothing changes until you confirm; the restore takes place when the program closes its window.</translation>
    </message>
    <message>
        <source>Đang tải…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Chọn &amp;tệp khác…</source>
        <translation>Choose another &amp;file…</translation>
    </message>
    <message>
        <source>(chưa chọn)</source>
        <translation>(not chosen)</translation>
    </message>
    <message>
        <source>&amp;Khôi phục…</source>
        <translation>&amp;Restore…</translation>
    </message>
    <message>
        <source>Đó&amp;ng</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <source>Tệp được chọn</source>
        <translation>Chosen file</translation>
    </message>
    <message>
        <source>Cụm mật khẩu sao lưu</source>
        <translation>Backup passphrase</translation>
    </message>
    <message>
        <source>Các bản sao lưu trong thư mục %1</source>
        <translation>Backups in the folder %1</translation>
    </message>
    <message>
        <source>Chọn tệp sao lưu</source>
        <translation>Choose a backup file</translation>
    </message>
    <message>
        <source>Bản sao lưu oneStop (*.sqlite3 *.sealed);;Mọi tệp (*)</source>
        <translation>oneStop backups (*.sqlite3 *.sealed);;All files (*)</translation>
    </message>
    <message>
        <source>hãy chọn một bản sao lưu trong danh sách hoặc một tệp khác</source>
        <translation>choose a backup in the list or another file</translation>
    </message>
    <message>
        <source>Đang kiểm tra bản sao lưu…</source>
        <translation>Checking the backup…</translation>
    </message>
    <message>
        <source>Khôi phục dữ liệu từ bản sao lưu %1?

Dữ liệu hiện tại không bị xóa: nó được giữ lại trong thư mục %2 trước khi được thay.
Chương trình sẽ đóng cửa sổ, khôi phục dữ liệu, rồi yêu cầu đăng nhập lại.
Những gì ghi nhận trên máy này sau khi bản sao được tạo sẽ không còn trong dữ liệu đang dùng; phần đã gửi lên máy chủ trung tâm sẽ được lấy lại ở lần đồng bộ sau.</source>
        <translation>Restore the data from the backup %1?

The current data is not deleted: it is kept in the folder %2 before being replaced.
The program will close its window, restore the data, then ask you to sign in again.
What was recorded on this PC after the backup was made will no longer be in the data in use; the part already sent to the central server will be fetched back at the next sync.</translation>
    </message>
    <message>
        <source>Khôi phục dữ liệu</source>
        <translation>Restore data</translation>
    </message>
    <message>
        <source>&amp;Khôi phục</source>
        <translation>&amp;Restore</translation>
    </message>
    <message>
        <source>&amp;Quay lại</source>
        <translation>&amp;Back</translation>
    </message>
    <message>
        <source>bản sao lưu này đã được khóa bằng cụm mật khẩu sao lưu: hãy nhập cụm mật khẩu</source>
        <translation>this backup is sealed with a backup passphrase: enter the passphrase</translation>
    </message>
</context>
<context>
    <name>ScanField</name>
    <message>
        <source>Quét mã vạch vào đây</source>
        <extracomment>Keys that end a scan. How soon the field takes the focus back after something else of its window took it. While a mouse button is held down (a click on a button is not over until it is released), the field waits and looks again this often.</extracomment>
        <translation>Scan the barcode here</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Thiết lập</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>(chưa chọn: xem trước rồi mới in)</source>
        <translation>(none: preview before printing)</translation>
    </message>
    <message>
        <source>Khổ giấy phiếu tiếp nhận</source>
        <translation>Receipt paper size</translation>
    </message>
    <message>
        <source>Máy in của quầy này</source>
        <translation>This counter&apos;s printer</translation>
    </message>
    <message>
        <source>Ngôn ngữ giao diện</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <source>Lưu</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Chỉ quản trị viên đổi được khổ giấy.</source>
        <translation>Only an administrator can change the paper size.</translation>
    </message>
    <message>
        <source>Ngôn ngữ mới có hiệu lực từ lần mở chương trình sau.</source>
        <translation>A new language applies from the next start of the program.</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Đang mở dữ liệu…</source>
        <extracomment>How often the running program checks whether today&apos;s automatic backup is made. The file, in the log folder, where a crash of the process itself (a segmentation fault, an abort) leaves the traceback of every thread. the single-instance lock, released while a backup is restored (None in tests)</extracomment>
        <translation>Opening the data…</translation>
    </message>
    <message>
        <source>Đang hoàn tất việc đang làm…</source>
        <translation>Finishing the work under way…</translation>
    </message>
    <message>
        <source>Khôi phục dữ liệu</source>
        <translation>Restore data</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Không khôi phục được; dữ liệu hiện tại không bị thay đổi.</source>
        <translation>Could not restore; the current data is unchanged.</translation>
    </message>
    <message>
        <source>Đang khôi phục dữ liệu…</source>
        <translation>Restoring the data…</translation>
    </message>
    <message>
        <source>Một chương trình oneStop khác đã mở thư mục dữ liệu này trong lúc khôi phục; chương trình này đóng lại.</source>
        <translation>Another oneStop program opened this data folder during the restore; this program will close.</translation>
    </message>
    <message>
        <source>Đã tự động sao lưu dữ liệu: %1</source>
        <translation>Data backed up automatically: %1</translation>
    </message>
    <message>
        <source>Sao lưu tự động không thành công: %1</source>
        <translation>Automatic backup failed: %1</translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message>
        <source>Xin chờ</source>
        <extracomment>How long a job may run before the progress dialog appears. A job&apos;s result has been delivered (the id of its task): the record may have changed. Every runner not yet shut down (the garbage collector waits for all of them).</extracomment>
        <translation>Please wait</translation>
    </message>
    <message>
        <source>Đang xử lý…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>TransitionDialog</name>
    <message>
        <source>Chuyển đến cơ quan</source>
        <extracomment>The payload fields each transition asks for.</extracomment>
        <translation>Sent to the agency</translation>
    </message>
    <message>
        <source>Nhận từ cơ quan</source>
        <translation>Received from the agency</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Giấy tờ cần bổ sung (mỗi dòng một loại)</source>
        <translation>Documents to supplement (one per line)</translation>
    </message>
    <message>
        <source>Lý do</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Ngày hẹn trả mới</source>
        <translation>New result date</translation>
    </message>
    <message>
        <source>Số tiền (đồng)</source>
        <translation>Amount (đồng)</translation>
    </message>
    <message>
        <source>Phí, lệ phí thu lúc này</source>
        <translation>Fees collected now</translation>
    </message>
    <message>
        <source>Trả kết quả</source>
        <translation>Return the result</translation>
    </message>
    <message>
        <source>Họ tên người nhận</source>
        <translation>Recipient&apos;s full name</translation>
    </message>
    <message>
        <source>Số định danh người nhận</source>
        <translation>Recipient&apos;s ID number</translation>
    </message>
    <message>
        <source>Người nhận</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <source>Đề nghị</source>
        <translation>Request</translation>
    </message>
    <message>
        <source>Chuyển hồ sơ đến cơ quan giải quyết</source>
        <extracomment>Each step&apos;s title: the core&apos;s words for it (``Transition.label``), capitalised, translatable.</extracomment>
        <translation>Send the dossier to the processing agency</translation>
    </message>
    <message>
        <source>Nhận kết quả từ cơ quan giải quyết</source>
        <translation>Receive the result from the processing agency</translation>
    </message>
    <message>
        <source>Yêu cầu bổ sung, hoàn thiện hồ sơ</source>
        <translation>Ask to supplement and complete the dossier</translation>
    </message>
    <message>
        <source>Nhận hồ sơ bổ sung</source>
        <translation>Receive the supplement</translation>
    </message>
    <message>
        <source>Từ chối tiếp nhận, giải quyết hồ sơ</source>
        <translation>Refuse to receive and process the dossier</translation>
    </message>
    <message>
        <source>Xin lỗi và hẹn lại ngày trả kết quả</source>
        <translation>Apologise and set a new result date</translation>
    </message>
    <message>
        <source>Yêu cầu thực hiện nghĩa vụ tài chính</source>
        <translation>Ask for the financial obligation</translation>
    </message>
    <message>
        <source>Ghi nhận đã thực hiện nghĩa vụ tài chính</source>
        <translation>Record the financial obligation as met</translation>
    </message>
    <message>
        <source>Dừng xử lý hồ sơ</source>
        <translation>Stop processing the dossier</translation>
    </message>
    <message>
        <source>Ghi nhận công dân rút hồ sơ</source>
        <translation>Record the applicant&apos;s withdrawal</translation>
    </message>
    <message>
        <source>Ghi nhận đã có kết quả</source>
        <translation>Record the result as ready</translation>
    </message>
    <message>
        <source>Ghi nhận bưu chính đã phát kết quả</source>
        <translation>Record the result as delivered by post</translation>
    </message>
    <message>
        <source>Ghi nhận bưu chính không phát được kết quả</source>
        <translation>Record the result as undeliverable by post</translation>
    </message>
    <message>
        <source>Giấy tờ của thủ tục cần bổ sung (Dấu cách: chọn)</source>
        <translation>The procedure&apos;s documents to supplement (Space: select)</translation>
    </message>
    <message>
        <source>Theo đề nghị của người nộp hồ sơ (in Thông báo dừng)</source>
        <translation>At the applicant&apos;s request (prints the stop notice)</translation>
    </message>
    <message>
        <source>Số tiền phí, lệ phí thu của người nộp ở bước này (đồng); để 0 nếu không thu</source>
        <translation>Fees collected from the applicant at this step (đồng); leave 0 if nothing is collected</translation>
    </message>
    <message>
        <source>Tại Bộ phận Một cửa</source>
        <translation>At the one-stop counter</translation>
    </message>
    <message>
        <source>Qua bưu chính công ích</source>
        <translation>Through the public postal service</translation>
    </message>
    <message>
        <source>Giấy tờ khác cần bổ sung (mỗi dòng một loại)</source>
        <translation>Other documents to supplement (one per line)</translation>
    </message>
    <message>
        <source>Ghi nhận</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>Huỷ</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>%1 — khai thác dữ liệu</source>
        <translation>%1 — taken from data</translation>
    </message>
    <message>
        <source>Xác nhận từ chối</source>
        <translation>Confirm the refusal</translation>
    </message>
    <message>
        <source>Từ chối tiếp nhận, giải quyết hồ sơ này? Việc này được ghi lại và in Phiếu từ chối (Mẫu 03).</source>
        <translation>Refuse to receive and process this dossier? This is recorded and prints the refusal slip (Form 03).</translation>
    </message>
    <message>
        <source>&amp;Từ chối</source>
        <translation>&amp;Refuse</translation>
    </message>
    <message>
        <source>&amp;Không</source>
        <translation>&amp;No</translation>
    </message>
</context>
<context>
    <name>UsbDialog</name>
    <message>
        <source>Đang tải…</source>
        <extracomment>what a file of carried events is called where the administrator does not say otherwise</extracomment>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Chọn &amp;tệp…</source>
        <translation>Choose a &amp;file…</translation>
    </message>
    <message>
        <source>Đó&amp;ng</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <source>hãy chọn tệp (trên ổ USB)</source>
        <translation>choose a file (on the USB drive)</translation>
    </message>
</context>
<context>
    <name>UsbExportDialog</name>
    <message>
        <source>Xuất sự kiện chưa gửi ra tệp (USB)</source>
        <translation>Export unsent events to a file (USB)</translation>
    </message>
    <message>
        <source>Tệp chứa dữ liệu cá nhân nên được khóa bằng cụm mật khẩu sao lưu (ít nhất 12 ký tự). Người nhập tệp ở máy khác cần đúng cụm mật khẩu này.</source>
        <translation>The file holds personal data, so it is sealed with a backup passphrase (at least 12 characters). Whoever imports the file on another PC needs this exact passphrase.</translation>
    </message>
    <message>
        <source>Đường dẫn tệp trên ổ USB</source>
        <translation>Path of the file on the USB drive</translation>
    </message>
    <message>
        <source>Ghi vào tệp</source>
        <translation>Write to file</translation>
    </message>
    <message>
        <source>&amp;Xuất ra tệp</source>
        <translation>&amp;Export to file</translation>
    </message>
    <message>
        <source>Có %1 sự kiện của quầy này chưa gửi lên máy chủ trung tâm.</source>
        <translation>%1 events of this counter have not been sent to the central server.</translation>
    </message>
    <message>
        <source>Không có sự kiện nào của quầy này đang chờ gửi lên máy chủ trung tâm.</source>
        <translation>No event of this counter is waiting to be sent to the central server.</translation>
    </message>
    <message>
        <source>Ghi sự kiện ra tệp</source>
        <translation>Write the events to a file</translation>
    </message>
    <message>
        <source>Tệp sự kiện đã khóa (*.sealed);;Mọi tệp (*)</source>
        <translation>Sealed event files (*.sealed);;All files (*)</translation>
    </message>
    <message>
        <source>Đang ghi sự kiện ra tệp…</source>
        <translation>Writing the events to the file…</translation>
    </message>
    <message>
        <source>Đã ghi %1 sự kiện vào %2 (đã khóa bằng cụm mật khẩu).
Bước tiếp theo: mang tệp này tới một máy tính của cùng cơ quan nối được với cơ sở dữ liệu trung tâm, mở oneStop bằng tài khoản quản trị và chọn «Nhập tệp sự kiện từ USB», nhập cụm mật khẩu vừa đặt. Các sự kiện vẫn được giữ trên máy này và được gửi khi máy có mạng; máy chủ trung tâm không nhận trùng.</source>
        <translation>%1 events written to %2 (sealed with the passphrase).
Next step: take this file to a computer of the same agency that can reach the central database, open oneStop with an administrator account, choose «Import an event file from USB» and enter the passphrase you just set. The events also stay on this PC and are sent once it is online; the central server does not take duplicates.</translation>
    </message>
</context>
<context>
    <name>UsbImportDialog</name>
    <message>
        <source>Nhập tệp sự kiện từ USB</source>
        <translation>Import an event file from USB</translation>
    </message>
    <message>
        <source>Tệp do «Xuất sự kiện chưa gửi ra tệp (USB)» ghi ra</source>
        <translation>A file written by «Export unsent events to a file (USB)»</translation>
    </message>
    <message>
        <source>Tệp sự kiện</source>
        <translation>Event file</translation>
    </message>
    <message>
        <source>Cụm mật khẩu sao lưu</source>
        <translation>Backup passphrase</translation>
    </message>
    <message>
        <source>&amp;Nhập và gửi lên trung tâm</source>
        <translation>&amp;Import and send to the centre</translation>
    </message>
    <message>
        <source>Máy này chưa có địa chỉ máy chủ trung tâm nên chưa gửi được tệp lên. Hãy đặt địa chỉ ở Quản trị → Địa chỉ máy chủ trung tâm… rồi nhập lại tệp.</source>
        <translation>This PC has no central server address yet, so the file cannot be sent. Set the address in Administration → Central server address…, then import the file again.</translation>
    </message>
    <message>
        <source>Các sự kiện trong tệp được kiểm tra rồi gửi lên máy chủ trung tâm %1. Gửi lại một tệp đã gửi không tạo bản trùng.</source>
        <translation>The events in the file are checked, then sent to the central server %1. Sending a file again creates no duplicates.</translation>
    </message>
    <message>
        <source>Chọn tệp sự kiện</source>
        <translation>Choose an event file</translation>
    </message>
    <message>
        <source>Tệp sự kiện đã khóa (*.sealed);;Mọi tệp (*)</source>
        <translation>Sealed event files (*.sealed);;All files (*)</translation>
    </message>
    <message>
        <source>Đang gửi sự kiện lên máy chủ trung tâm…</source>
        <translation>Sending the events to the central server…</translation>
    </message>
    <message>
        <source>Đã gửi lên máy chủ trung tâm: %1 sự kiện mới, %2 sự kiện đã có từ trước.</source>
        <translation>Sent to the central server: %1 new events, %2 already there.</translation>
    </message>
    <message>
        <source>%1 sự kiện bị cách ly ở máy chủ trung tâm (trùng mã hoặc số thứ tự với sự kiện khác nhưng khác nội dung): hãy báo quản trị tỉnh.</source>
        <translation>%1 events were quarantined at the central server (same code or sequence number as another event, but different content): tell the provincial administrator.</translation>
    </message>
    <message>
        <source>Máy chủ trung tâm chưa có sự kiện số %1–%2 của quầy %3, đứng trước các sự kiện vừa gửi: hãy báo quản trị tỉnh.</source>
        <translation>The central server is missing events %1–%2 of counter %3, which come before the events just sent: tell the provincial administrator.</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <source>Người dùng</source>
        <translation>Users</translation>
    </message>
    <message>
        <source>Tên đăng nhập</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Vai trò</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Đang tải…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>&amp;Thêm người dùng…</source>
        <translation>&amp;Add user…</translation>
    </message>
    <message>
        <source>&amp;Khóa</source>
        <translation>&amp;Lock</translation>
    </message>
    <message>
        <source>Đặt lại &amp;mật khẩu…</source>
        <translation>Reset &amp;password…</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Đang tải danh sách người dùng…</source>
        <translation>Loading the users…</translation>
    </message>
    <message>
        <source>đang dùng</source>
        <translation>active</translation>
    </message>
    <message>
        <source>đã khóa</source>
        <translation>locked</translation>
    </message>
    <message>
        <source>%1 người dùng.</source>
        <translation>%1 users.</translation>
    </message>
    <message>
        <source>Mở &amp;khóa</source>
        <translation>&amp;Unlock</translation>
    </message>
    <message>
        <source>Đã thêm người dùng %1.</source>
        <translation>User %1 added.</translation>
    </message>
    <message>
        <source>Đã đặt lại mật khẩu của %1.</source>
        <translation>Password of %1 reset.</translation>
    </message>
    <message>
        <source>Khóa tài khoản</source>
        <translation>Lock account</translation>
    </message>
    <message>
        <source>Khóa tài khoản %1 (%2)? Người này sẽ không đăng nhập được cho đến khi được mở khóa.</source>
        <translation>Lock the account %1 (%2)? This person cannot sign in until it is unlocked.</translation>
    </message>
    <message>
        <source>&amp;Hủy</source>
        <translation>&amp;Cancel</translation>
    </message>
    <message>
        <source>Đã khóa tài khoản %1.</source>
        <translation>Account %1 locked.</translation>
    </message>
    <message>
        <source>Đã mở khóa tài khoản %1.</source>
        <translation>Account %1 unlocked.</translation>
    </message>
</context>
<context>
    <name>common</name>
    <message>
        <source>Đồng ý</source>
        <extracomment>Application-wide style: fields in error get a red frame (property ``error`` set to true).</extracomment>
        <translation>OK</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Không in được trên máy in “%1”.</source>
        <translation>Could not print on “%1”.</translation>
    </message>
    <message>
        <source>Không có quyền ghi hoặc đọc tệp: %1</source>
        <translation>No permission to read or write the file: %1</translation>
    </message>
    <message>
        <source>Không tìm thấy tệp: %1</source>
        <translation>File not found: %1</translation>
    </message>
    <message>
        <source>Lỗi đọc, ghi dữ liệu trên đĩa: %1</source>
        <translation>Disk read or write error: %1</translation>
    </message>
    <message>
        <source>Đã xảy ra lỗi ngoài dự kiến (%1). Hãy báo quản trị viên; chi tiết đã được ghi lại.</source>
        <translation>An unexpected error occurred (%1). Tell the administrator; the details were logged.</translation>
    </message>
    <message>
        <source>Thông tin chưa hợp lệ</source>
        <translation>Invalid information</translation>
    </message>
    <message>
        <source>Không in được</source>
        <translation>Printing failed</translation>
    </message>
    <message>
        <source>Lỗi lưu trữ</source>
        <translation>Storage error</translation>
    </message>
    <message>
        <source>Không thực hiện được</source>
        <translation>Could not be done</translation>
    </message>
    <message>
        <source>Lỗi</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>format</name>
    <message>
        <source>thứ Hai</source>
        <translation>Monday</translation>
    </message>
    <message>
        <source>thứ Ba</source>
        <translation>Tuesday</translation>
    </message>
    <message>
        <source>thứ Tư</source>
        <translation>Wednesday</translation>
    </message>
    <message>
        <source>thứ Năm</source>
        <translation>Thursday</translation>
    </message>
    <message>
        <source>thứ Sáu</source>
        <translation>Friday</translation>
    </message>
    <message>
        <source>thứ Bảy</source>
        <translation>Saturday</translation>
    </message>
    <message>
        <source>Chủ nhật</source>
        <translation>Sunday</translation>
    </message>
    <message>
        <source>ngày %1</source>
        <translation>on %1</translation>
    </message>
    <message>
        <source>từ %1 đến %2</source>
        <translation>from %1 to %2</translation>
    </message>
</context>
<context>
    <name>password</name>
    <message>
        <source>hai lần nhập không khớp</source>
        <translation>the two entries differ</translation>
    </message>
</context>
</TS>
