#!/usr/bin/env python3
"""Generate the downloadable declaration forms (tờ khai) in public/forms/.

The forms are printable A4 PDFs with the national header, a title, labelled dotted
lines to fill in by hand and a signature block. They are reconstructions for the demo
catalogue (server/seed/catalogue.json); the footer asks users to check the form in force.

Requirements: fpdf2 (`pip install fpdf2`) and a Unicode TTF font with Vietnamese glyphs
(default: DejaVu Serif from the Debian package fonts-dejavu-core / fonts-dejavu-extra).
fpdf2 subsets embedded fonts, so each file stays well under 40 KB.

Usage: python3 scripts/make-form-pdfs.py [output_dir]
"""
import os
import sys
import tempfile

from fontTools import subset as ft_subset
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = os.environ.get("FORM_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "public", "forms")

_DEHINTED = {}
_TMP = tempfile.TemporaryDirectory(prefix="formfonts-")  # removed at interpreter exit


def dehinted(path):
    """Copy of a TTF without TrueType hinting (DejaVu's hinting bytecode roughly doubles
    the size of each embedded subset). All glyphs are kept; fpdf2 subsets it later."""
    if path not in _DEHINTED:
        opts = ft_subset.Options()
        opts.hinting = False
        opts.notdef_outline = True
        opts.glyph_names = False
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.drop_tables += ["DSIG", "hdmx", "VDMX", "LTSH", "kern", "FFTM"]
        font = ft_subset.load_font(path, opts)
        sub = ft_subset.Subsetter(opts)
        sub.populate(unicodes=font.getBestCmap().keys())
        sub.subset(font)
        out = os.path.join(_TMP.name, os.path.basename(path))
        ft_subset.save_font(font, out, opts)
        _DEHINTED[path] = out
    return _DEHINTED[path]


FOOTER = ("Biểu mẫu dựng lại phục vụ tham khảo trên Cổng Dịch vụ công tỉnh Quảng Trị. "
          "Vui lòng đối chiếu với mẫu hiện hành tại cơ quan giải quyết thủ tục.")


class Form(FPDF):
    LINE_H = 7.2  # height of one fill-in line (mm)

    def __init__(self, title, subject):
        super().__init__(orientation="P", unit="mm", format="A4")
        for style, fname in FONT_FILES.items():
            self.add_font("Serif", style, dehinted(os.path.join(FONT_DIR, fname)))
        self.set_margins(20, 14, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(title)
        self.set_subject(subject)
        self.set_author("Cổng Dịch vụ công tỉnh Quảng Trị")
        self.set_creator("scripts/make-form-pdfs.py")
        self.set_lang("vi")
        self.add_page()

    # ---- page furniture -------------------------------------------------
    def footer(self):
        self.set_y(-14)
        self.set_font("Serif", "I", 7)
        self.set_text_color(90, 90, 90)
        self.multi_cell(0, 3.4, FOOTER + f"  Trang {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    def form_code(self, code):
        """Small box in the top-right corner with the form number."""
        self.set_font("Serif", "B", 8.5)
        w = self.get_string_width(code) + 6
        self.set_xy(self.w - self.r_margin - w, 8)
        self.cell(w, 5.5, code, border=1, align="C")
        self.set_xy(self.l_margin, self.t_margin)

    def national_header(self):
        self.set_font("Serif", "B", 12)
        self.cell(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C",
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Serif", "B", 12.5)
        motto = "Độc lập - Tự do - Hạnh phúc"
        self.cell(0, 6, motto, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        w = self.get_string_width(motto)
        x0 = (self.w - w) / 2 + (self.l_margin - self.r_margin) / 2
        self.set_line_width(0.35)
        self.line(x0, self.get_y() + 0.4, x0 + w, self.get_y() + 0.4)
        self.ln(6)

    def form_title(self, text, sub=None):
        self.set_font("Serif", "B", 14.5)
        self.multi_cell(0, 7, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if sub:
            self.set_font("Serif", "I", 10)
            self.multi_cell(0, 5, sub, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(4)

    # ---- writing helpers -------------------------------------------------
    def dots(self, x0, x1, y):
        """Dotted fill-in line from x0 to x1 at baseline y."""
        if x1 - x0 < 2:
            return
        self.set_line_width(0.25)
        with self.local_context():
            self.set_dash_pattern(dash=0.3, gap=1.1)
            self.line(x0 + 0.8, y, x1, y)
        self.set_dash_pattern()

    def field(self, label, x_end=None, bold_label=False, indent=0, new_line=True, size=10.5):
        """`label` followed by a dotted line up to x_end (default: right margin)."""
        x_end = self.w - self.r_margin if x_end is None else x_end
        self.set_font("Serif", "B" if bold_label else "", size)
        x = self.get_x() + indent
        self.set_x(x)
        w = self.get_string_width(label) + 0.6
        self.cell(w, self.LINE_H, label)
        y = self.get_y() + self.LINE_H - 1.6
        self.dots(x + w, x_end, y)
        if new_line:
            self.set_xy(self.l_margin, self.get_y() + self.LINE_H)
        else:
            self.set_xy(x_end + 2, self.get_y())

    def fields_row(self, labels, widths=None, size=10.5):
        """Several short fields on one line, splitting the width."""
        total = self.w - self.l_margin - self.r_margin
        widths = widths or [1 / len(labels)] * len(labels)
        x = self.l_margin
        y = self.get_y()
        for label, frac in zip(labels, widths):
            self.set_xy(x, y)
            end = x + total * frac - 2
            self.field(label, x_end=end, new_line=False, size=size)
            x += total * frac
        self.set_xy(self.l_margin, y + self.LINE_H)

    def field_unit(self, label, unit, size=10.5):
        """`label` + dotted line + a trailing unit (m², tháng…) at the right margin."""
        self.set_font("Serif", "", size)
        uw = self.get_string_width(unit) + 1
        end = self.w - self.r_margin - uw - 1
        y = self.get_y()
        self.field(label, x_end=end, new_line=False, size=size)
        self.set_xy(end + 1, y)
        self.cell(uw, self.LINE_H, unit)
        self.set_xy(self.l_margin, y + self.LINE_H)

    def blank_line(self):
        self.dots(self.l_margin, self.w - self.r_margin, self.get_y() + self.LINE_H - 1.6)
        self.ln(self.LINE_H)

    def heading(self, text, size=10.5):
        self.set_font("Serif", "B", size)
        self.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(self, text, style="", size=10.5, h=5.6, align="J"):
        self.set_font("Serif", style, size)
        self.multi_cell(0, h, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def checkbox(self, label, size=10.5):
        self.set_font("Serif", "", size)
        x, y = self.get_x(), self.get_y()
        self.set_line_width(0.3)
        self.rect(x, y + 1.9, 3.4, 3.4)
        self.set_x(x + 4.8)
        w = self.get_string_width(label) + 7
        self.cell(w, self.LINE_H, label)

    def place_date(self, x=None, prefix="Làm tại: "):
        """Place and date line in the right half of the page (right-hand column)."""
        x = self.w / 2 - 8 if x is None else x
        self.set_font("Serif", "I", 10.5)
        self.set_x(x)
        self.cell(self.w - self.r_margin - x, self.LINE_H,
                  prefix + "..................., ngày ..... tháng ..... năm 20.....",
                  align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def signature(self, roles, note="(Ký, ghi rõ họ, chữ đệm, tên)", space=24):
        """One or more signature blocks side by side at the bottom right."""
        total = self.w - self.l_margin - self.r_margin
        n = len(roles)
        col = total / 2 if n == 1 else total / n
        x0 = self.l_margin + (total / 2 if n == 1 else 0)
        y = self.get_y()
        for i, role in enumerate(roles):
            self.set_xy(x0 + i * col, y)
            self.set_font("Serif", "B", 10.5)
            self.multi_cell(col, 5.5, role, align="C")
            self.set_x(x0 + i * col)
            self.set_font("Serif", "I", 9.5)
            self.multi_cell(col, 5, note, align="C")
        self.set_xy(self.l_margin, self.get_y() + space)

    def notes(self, lines):
        self.ln(2)
        self.set_font("Serif", "I", 8.5)
        for line in lines:
            self.multi_cell(0, 4.2, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def save(self, name):
        self.alias_nb_pages()
        path = os.path.join(OUT_DIR, name)
        self.output(path)
        return path


# ---------------------------------------------------------------------------
def khai_sinh():
    pdf = Form("Tờ khai đăng ký khai sinh", "Thủ tục 1.001193 - Đăng ký khai sinh")
    pdf.national_header()
    pdf.form_title("TỜ KHAI ĐĂNG KÝ KHAI SINH")
    pdf.field("Kính gửi:⁽¹⁾ ", bold_label=True)
    pdf.ln(1)
    pdf.field("Họ, chữ đệm, tên người yêu cầu: ")
    pdf.field("Nơi cư trú:⁽²⁾ ")
    pdf.field("Số định danh cá nhân / Giấy tờ tùy thân:⁽³⁾ ")
    pdf.fields_row(["Quan hệ với người được khai sinh: ", "Số điện thoại: "], [0.62, 0.38])
    pdf.ln(1.5)
    pdf.heading("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:")
    pdf.field("Họ, chữ đệm, tên: ")
    pdf.fields_row(["Ngày, tháng, năm sinh: ", "ghi bằng chữ: "], [0.45, 0.55])
    pdf.fields_row(["Giới tính: ", "Dân tộc: ", "Quốc tịch: "], [0.3, 0.35, 0.35])
    pdf.field("Nơi sinh:⁽⁴⁾ ")
    pdf.field("Quê quán: ")
    pdf.ln(1.5)
    for who in ("mẹ", "cha"):
        pdf.field(f"Họ, chữ đệm, tên người {who}: ", bold_label=True)
        pdf.fields_row(["Năm sinh: ", "Dân tộc: ", "Quốc tịch: "], [0.3, 0.35, 0.35])
        pdf.field("Nơi cư trú:⁽²⁾ ")
        pdf.field("Số định danh cá nhân: ")
        pdf.ln(1)
    pdf.para("Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự "
             "thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật. Tôi chịu hoàn toàn "
             "trách nhiệm trước pháp luật về nội dung cam đoan của mình.")
    pdf.ln(1)
    y = pdf.get_y()
    pdf.set_font("Serif", "", 10.5)
    pdf.cell(0, pdf.LINE_H, "Đề nghị cấp bản sao⁽⁵⁾:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.checkbox("Có")
    pdf.checkbox("Không")
    pdf.cell(0, pdf.LINE_H, "số lượng: ....... bản", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(y)
    pdf.place_date()
    pdf.signature(["Người yêu cầu"], space=20)
    pdf.notes([
        "(1) Ghi rõ tên cơ quan đăng ký khai sinh (ví dụ: Ủy ban nhân dân phường Đông Hà, tỉnh Quảng Trị).",
        "(2) Ghi theo địa chỉ nơi thường trú; nếu không có thì ghi theo nơi tạm trú hoặc nơi ở hiện tại.",
        "(3) Ghi số định danh cá nhân; trường hợp chưa có thì ghi thông tin giấy tờ tùy thân (loại, số, cơ quan cấp, ngày cấp).",
        "(4) Trường hợp sinh tại cơ sở y tế thì ghi tên cơ sở y tế và địa danh hành chính nơi có cơ sở y tế.",
        "(5) Đánh dấu X vào ô tương ứng nếu có yêu cầu cấp bản sao Giấy khai sinh và ghi rõ số lượng.",
    ])
    return pdf.save("to-khai-dang-ky-khai-sinh.pdf")


def ket_hon():
    pdf = Form("Tờ khai đăng ký kết hôn", "Thủ tục 1.000894 - Đăng ký kết hôn")
    pdf.national_header()
    pdf.form_title("TỜ KHAI ĐĂNG KÝ KẾT HÔN")
    pdf.field("Kính gửi:⁽¹⁾ ", bold_label=True)
    pdf.ln(2)
    rows = [
        "Họ, chữ đệm, tên",
        "Ngày, tháng, năm sinh",
        "Dân tộc",
        "Quốc tịch",
        "Nơi cư trú⁽²⁾",
        "Số định danh cá nhân / Giấy tờ tùy thân⁽³⁾",
        "Kết hôn lần thứ mấy",
    ]
    total = pdf.w - pdf.l_margin - pdf.r_margin
    c0, c1 = 52, (total - 52) / 2
    pdf.set_font("Serif", "B", 10.5)
    pdf.set_line_width(0.3)
    pdf.cell(c0, 8, "Thông tin", border=1, align="C")
    pdf.cell(c1, 8, "Bên nữ", border=1, align="C")
    pdf.cell(c1, 8, "Bên nam", border=1, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for r in rows:
        h = 17 if r.startswith(("Nơi cư trú", "Số định danh")) else 11
        pdf.set_font("Serif", "", 10)
        x, y = pdf.get_x(), pdf.get_y()
        pdf.multi_cell(c0, 5, r, border=0, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP,
                       padding=(1.5, 1.5))
        pdf.rect(x, y, c0, h)
        pdf.rect(x + c0, y, c1, h)
        pdf.rect(x + c0 + c1, y, c1, h)
        # dotted writing lines inside the two cells
        n_lines = 2 if h > 12 else 1
        for k in range(n_lines):
            ly = y + h - 2.4 - k * 6.5 if n_lines == 2 else y + h - 2.6
            pdf.dots(x + c0 + 2, x + c0 + c1 - 2, ly)
            pdf.dots(x + c0 + c1 + 2, x + total - 2, ly)
        pdf.set_xy(pdf.l_margin, y + h)
    pdf.ln(4)
    pdf.para("Chúng tôi cam đoan những lời khai trên đây là đúng sự thật; việc kết hôn của chúng tôi "
             "là tự nguyện, không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam. Chúng tôi "
             "chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình.")
    pdf.para("Đề nghị Quý cơ quan đăng ký.")
    pdf.ln(1)
    pdf.set_font("Serif", "", 10.5)
    pdf.cell(pdf.get_string_width("Đề nghị cấp bản sao⁽⁴⁾:") + 4, pdf.LINE_H, "Đề nghị cấp bản sao⁽⁴⁾:")
    pdf.checkbox("Có")
    pdf.checkbox("Không")
    pdf.cell(0, pdf.LINE_H, "số lượng: ....... bản", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.place_date()
    pdf.ln(2)
    pdf.signature(["Bên nữ", "Bên nam"], space=24)
    pdf.notes([
        "(1) Ghi rõ tên cơ quan đăng ký kết hôn (ví dụ: Ủy ban nhân dân phường Nam Đông Hà, tỉnh Quảng Trị).",
        "(2) Ghi theo địa chỉ nơi thường trú; nếu không có thì ghi theo nơi tạm trú.",
        "(3) Ghi số định danh cá nhân; người nước ngoài ghi số hộ chiếu hoặc giấy tờ có giá trị thay hộ chiếu.",
        "(4) Đánh dấu X vào ô tương ứng nếu có yêu cầu cấp bản sao trích lục kết hôn và ghi rõ số lượng.",
        "Hai bên nam, nữ phải cùng có mặt khi đăng ký kết hôn và ký vào Giấy chứng nhận kết hôn.",
    ])
    return pdf.save("to-khai-dang-ky-ket-hon.pdf")


def ly_lich_tu_phap():
    pdf = Form("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
               "Thủ tục 3.000333 - Cấp Phiếu lý lịch tư pháp")
    pdf.form_code("Mẫu số 03/2024/LLTP")
    pdf.national_header()
    pdf.form_title("TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP",
              "(Dùng cho cá nhân có yêu cầu cấp Phiếu lý lịch tư pháp)")
    pdf.field("Kính gửi: ", bold_label=True)
    pdf.ln(1)
    s = 10
    pdf.field("1. Họ và tên: ", size=s)
    pdf.fields_row(["2. Tên gọi khác (nếu có): ", "3. Giới tính: "], [0.7, 0.3], size=s)
    pdf.fields_row(["4. Ngày, tháng, năm sinh: ", "5. Quốc tịch: "], [0.6, 0.4], size=s)
    pdf.field("6. Nơi sinh: ", size=s)
    pdf.field("7. Nơi thường trú: ", size=s)
    pdf.field("8. Nơi tạm trú: ", size=s)
    pdf.fields_row(["9. Số định danh cá nhân / Hộ chiếu: ", "cấp ngày: "], [0.66, 0.34], size=s)
    pdf.field("    Nơi cấp: ", size=s)
    pdf.fields_row(["10. Điện thoại: ", "Email: "], [0.45, 0.55], size=s)
    pdf.fields_row(["11. Họ và tên cha: ", "Năm sinh: "], [0.72, 0.28], size=s)
    pdf.fields_row(["      Họ và tên mẹ: ", "Năm sinh: "], [0.72, 0.28], size=s)
    pdf.fields_row(["      Họ và tên vợ/chồng: ", "Năm sinh: "], [0.72, 0.28], size=s)
    pdf.ln(1)
    pdf.heading("12. Quá trình cư trú, nghề nghiệp, nơi làm việc (kể từ khi đủ 14 tuổi):", size=s)
    total = pdf.w - pdf.l_margin - pdf.r_margin
    cols = [(24, "Từ tháng,\nnăm"), (24, "Đến tháng,\nnăm"), (total - 24 - 24 - 60, "Nơi cư trú\n(ghi rõ địa chỉ)"),
            (60, "Nghề nghiệp,\nnơi làm việc")]
    pdf.set_font("Serif", "B", 9)
    y = pdf.get_y()
    x = pdf.l_margin
    for w, t in cols:
        pdf.set_xy(x, y)
        pdf.multi_cell(w, 4.6, t, border=1, align="C")
        x += w
    y += 9.2
    for _ in range(4):
        x = pdf.l_margin
        for w, _t in cols:
            pdf.rect(x, y, w, 7)
            x += w
        y += 7
    pdf.set_xy(pdf.l_margin, y + 1.5)
    pdf.set_font("Serif", "", s)
    pdf.cell(70, pdf.LINE_H, "13. Tình trạng án tích (nếu có):")
    pdf.checkbox("Có án tích", size=s)
    pdf.checkbox("Không có án tích", size=s)
    pdf.ln(pdf.LINE_H)
    pdf.cell(70, pdf.LINE_H, "Yêu cầu cấp Phiếu lý lịch tư pháp:")
    pdf.checkbox("Phiếu số 1", size=s)
    pdf.checkbox("Phiếu số 2", size=s)
    pdf.ln(pdf.LINE_H)
    pdf.fields_row(["Số lượng Phiếu yêu cầu cấp: ", "Mục đích sử dụng Phiếu: "], [0.42, 0.58], size=s)
    pdf.cell(36, pdf.LINE_H, "Nhận Phiếu tại:")
    pdf.checkbox("Nơi nộp hồ sơ", size=s)
    pdf.checkbox("Qua bưu chính", size=s)
    pdf.checkbox("Bản điện tử trên VNeID", size=s)
    pdf.ln(pdf.LINE_H + 1)
    pdf.para("Tôi xin cam đoan những lời khai trên là đúng sự thật và chịu trách nhiệm về lời khai của mình.",
             size=s)
    pdf.ln(1)
    pdf.place_date(prefix="")
    pdf.signature(["Người khai"], note="(Ký và ghi rõ họ tên)", space=18)
    return pdf.save("to-khai-yeu-cau-cap-phieu-ly-lich-tu-phap.pdf")


def giay_phep_xay_dung():
    pdf = Form("Đơn đề nghị cấp giấy phép xây dựng",
               "Thủ tục 1.013225 - Cấp giấy phép xây dựng nhà ở riêng lẻ")
    pdf.national_header()
    pdf.form_title("ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG",
              "(Sử dụng cho công trình không theo tuyến và nhà ở riêng lẻ)")
    pdf.field("Kính gửi: ", bold_label=True)
    pdf.ln(1)
    s = 10.2
    pdf.heading("1. Thông tin về chủ đầu tư:", size=s)
    pdf.field("- Tên chủ đầu tư (tên chủ hộ): ", size=s)
    pdf.fields_row(["- Người đại diện: ", "Chức vụ (nếu có): "], [0.6, 0.4], size=s)
    pdf.field("- Địa chỉ liên hệ: số nhà: ", size=s)
    pdf.fields_row(["  đường/phố: ", "phường/xã: ", "tỉnh/thành phố: "], [0.34, 0.33, 0.33], size=s)
    pdf.fields_row(["- Số điện thoại: ", "Số định danh cá nhân: "], [0.42, 0.58], size=s)
    pdf.heading("2. Thông tin công trình:", size=s)
    pdf.fields_row(["- Địa điểm xây dựng: Lô đất (thửa đất) số: ", "Tờ bản đồ số: "], [0.68, 0.32], size=s)
    pdf.fields_row(["- Diện tích lô đất: ", "m²; tại số nhà: "], [0.4, 0.6], size=s)
    pdf.fields_row(["  đường/phố: ", "phường/xã: ", "tỉnh/thành phố: "], [0.34, 0.33, 0.33], size=s)
    pdf.heading("3. Tổ chức, cá nhân lập, thẩm tra thiết kế xây dựng (nếu có):", size=s)
    pdf.field("- Tên tổ chức/cá nhân: ", size=s)
    pdf.field("- Mã số chứng chỉ năng lực/hành nghề: ", size=s)
    pdf.heading("4. Nội dung đề nghị cấp phép (đối với nhà ở riêng lẻ):", size=s)
    pdf.field("- Cấp công trình: ", size=s)
    pdf.field_unit("- Diện tích xây dựng tầng 1 (tầng trệt): ", "m²", size=s)
    pdf.field_unit("- Tổng diện tích sàn (bao gồm cả tầng hầm, tầng lửng, tum): ", "m²", size=s)
    pdf.field_unit("- Chiều cao công trình: ", "m", size=s)
    pdf.field("- Số tầng (ghi rõ số tầng hầm, tầng trên mặt đất, tầng lửng, tum): ", size=s)
    pdf.field_unit("5. Dự kiến thời gian hoàn thành công trình: ", "tháng", size=s)
    pdf.heading("6. Cam kết:", size=s)
    pdf.para("Tôi xin cam đoan làm theo đúng giấy phép được cấp, nếu sai tôi xin hoàn toàn chịu trách "
             "nhiệm và bị xử lý theo quy định của pháp luật.", size=s)
    pdf.heading("Gửi kèm theo Đơn này các tài liệu:", size=s)
    pdf.field("1 - ", size=s)
    pdf.field("2 - ", size=s)
    pdf.field("3 - ", size=s)
    pdf.ln(1)
    pdf.place_date(prefix="")
    pdf.signature(["NGƯỜI LÀM ĐƠN/\nĐẠI DIỆN CHỦ ĐẦU TƯ"],
                  note="(Ký, ghi rõ họ tên, đóng dấu (nếu có))", space=16)
    return pdf.save("don-de-nghi-cap-giay-phep-xay-dung.pdf")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for make in (khai_sinh, ket_hon, ly_lich_tu_phap, giay_phep_xay_dung):
        path = make()
        print(f"{path}: {os.path.getsize(path):,} bytes")


if __name__ == "__main__":
    main()
