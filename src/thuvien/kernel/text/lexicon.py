"""Common Vietnamese syllables: a prior for telling a real reading from a plausible one.

Phonotactics alone accept many syllables that exist on paper but not in use ("nhọng",
"cẵn"), and a wrong encoding often produces exactly those. Real text leans heavily on a
few hundred syllables, so a reading rich in them is far more likely to be the right one.
Written for this project from everyday, administrative and library vocabulary.
"""

from thuvien.kernel.text.syllable import canonical_tone_placement

_COMMON = """
và của có là không được các những một hai ba bốn năm sáu bảy tám chín mười trăm nghìn
triệu tỷ trong cho với người này đã để theo về từ trên dưới đến như khi nhưng cũng đó
nào sẽ rất nhiều ít ra vào lại đi làm nói biết nhà nước mình tôi chúng ta họ anh chị em
ông bà cô chú bác cháu con cái gì ai sao thì mà nên vì nếu hay hoặc hoặc đều chỉ vẫn
còn đang vừa mới rồi xong sau trước giữa ngoài bên cạnh cùng nhau thêm bằng hơn nhất
lên xuống qua lấy đưa đặt giữ gửi nhận mở đóng xem đọc viết học hỏi tìm thấy nghe nhìn
nghĩ muốn cần phải nên được bị do tại theo tới mọi mỗi từng toàn bộ phần chung riêng
việt nam hà nội thành phố tỉnh huyện xã quận phường thị trấn làng thôn ấp bản miền bắc
trung tây đông nam sài gòn hồ chí minh hải phòng đà nẵng cần thơ huế quảng ninh nghệ an
thanh hóa hoá bình dương đồng nai khánh hòa hoà lâm gia lai kon tum sơn la lào cai
thư viện sách báo tạp chí tài liệu thông tin khoa học giáo dục văn hóa hoá xã hội kinh tế
chính trị lịch sử địa lý lí nghiên cứu quản phát triển công nghệ số dữ liệu bản đồ
trường đại cao đẳng viện trung tâm sở ban ngành bộ trưởng thứ vụ cục phòng tổ chức
cơ quan đơn vị hệ thống chương trình kế hoạch đề án dự quyết định nghị thông tư luật
điều khoản mục chương quy chế hướng dẫn thực hiện triển khai ứng dụng chuyển đổi
dịch vụ hạ tầng mạng máy tính phần mềm cơ sở liệu lưu trữ bảo quản truy cập khai thác
nguồn lực vốn kinh phí ngân hàng đầu tư xây dựng nâng cấp hiện đại hóa hoá đào tạo bồi
dưỡng cán nhân viên người dùng bạn đọc độc giả tác giả biên soạn dịch xuất bản nhà
in ấn tập tái lần thứ nhất hai tiếng ngôn ngữ văn bản chữ từ điển truyện thơ tiểu
thuyết ký sự kiện ngày tháng năm giờ phút lúc thời gian kỳ kì hạn đầu cuối giai đoạn
mới cũ lớn nhỏ dài ngắn tốt xấu đẹp đúng sai rõ chính xác đầy đủ hiệu quả chất lượng
nhu cầu yêu tiêu chuẩn mẫu biểu báo cáo thống kê kết quả đánh giá kiểm tra giám sát
phối hợp liên kết hợp tác quốc tế gia nhân dân tộc đảng cộng hòa hoà chủ nghĩa độc lập
tự do hạnh phúc nhiệm vụ giải pháp mục tiêu nội dung phạm vi đối tượng trách quyền
lợi ích sản phẩm hàng hóa hoá thương mại thị trường doanh nghiệp công ty hội nghị
đồng ý kiến thuật ngữ phương tiện pháp môi điện tử trực tuyến cổng mã nguồn mở
bảo tàng di tích danh lam thắng cảnh nghệ thuật âm nhạc hội họa họa điện ảnh sân khấu
thể thao du lịch gia đình trẻ em thanh niên phụ nữ học sinh sinh viên giáo viên thầy
tiến sĩ sỹ thạc cử nhân kỹ kĩ sư bác sĩ sỹ y tế sức khỏe khoẻ bệnh thuốc nông lâm ngư
nghiệp đất rừng biển sông núi nước mưa nắng gió trời cây lúa gạo cá thịt ăn uống
chợ đường phố cầu xe ô tô tàu máy bay điện thoại tiền giá mua bán trả vay nợ
một số nhiều hơn khác nhau giống như vậy thế đây kia ấy đâu bao giờ nhiêu tại sao
thực tế tình hình trạng thái đặc điểm điểm tính năng mức độ tỷ tỉ lệ phần trăm
hỗ trợ cung cấp tiếp cận tham gia tổng hợp xác định đề xuất ban hành thi hành hiệu
lực ký kí tên địa chỉ số điện thoại thư hộp trang mục lục tóm tắt ghi chú phụ lục
nguyên tắc tuân thủ cơ bản vấn đề quan trọng khả năng điều kiện hoàn thành tiếp tục
lòng tình yêu thương sống chết đời tuổi già trẻ mẹ cha vợ chồng bạn bè quê hương đất
chiến tranh hòa hoà bình lính quân đội giải phóng cách mạng lãnh đạo nhân vật truyền
thống tư tưởng đạo đức tôn giáo phật chùa đình đền lễ tết phong tục tập quán dân gian
ca dao tục ngữ câu chuyện kể lời bài hát nhạc tranh ảnh hình vẽ màu sắc trắng đen đỏ
xanh vàng tím nâu hồng ánh sáng tối đêm sáng chiều trưa mùa xuân hạ thu đông lạnh nóng
""".split()

COMMON_SYLLABLES = frozenset(canonical_tone_placement(word) for word in _COMMON)
