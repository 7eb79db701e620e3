"""The units of the demo town: Điện Bàn's committee, its 20 wards and communes, their cells.

Every unit has a stable code, so loading twice finds what is there instead of duplicating.
"""

from .story import PPT_CODE, PPT_NAME, TOWN_CODE, TOWN_NAME

GO_NOI = "Gò Nổi"
EDUCATION, ENTERPRISES, HEALTH, ARMED_FORCES, ADMINISTRATION = (
    "Giáo dục",
    "Doanh nghiệp",
    "Y tế",
    "Lực lượng vũ trang",
    "Hành chính",
)
SECTORS = (EDUCATION, ENTERPRISES, HEALTH, ARMED_FORCES, ADMINISTRATION)

# (code suffix, name, ward or commune, residential areas, cluster)
LOCALITIES = [
    ("VD", "Vĩnh Điện", "phường", 5, None),
    ("DA", "Điện An", "phường", 5, None),
    ("DNG", "Điện Ngọc", "phường", 5, None),
    ("DNB", "Điện Nam Bắc", "phường", 5, None),
    ("DNT", "Điện Nam Trung", "phường", 5, None),
    ("DND", "Điện Nam Đông", "phường", 5, None),
    ("DD", "Điện Dương", "phường", 5, None),
    ("DP", "Điện Phương", "phường", 5, GO_NOI),
    ("DM", "Điện Minh", "phường", 5, None),
    ("DH", "Điện Hòa", "xã", 4, None),
    ("DTB", "Điện Thắng Bắc", "xã", 4, None),
    ("DTT", "Điện Thắng Trung", "xã", 4, None),
    ("DTN", "Điện Thắng Nam", "xã", 4, None),
    ("DTI", "Điện Tiến", "xã", 4, None),
    ("DHO", "Điện Hồng", "xã", 4, None),
    ("DTH", "Điện Thọ", "xã", 4, None),
    ("DPC", "Điện Phước", "xã", 4, None),
    ("DQ", "Điện Quang", "xã", 4, GO_NOI),
    ("DTR", "Điện Trung", "xã", 4, GO_NOI),
    ("DPH", "Điện Phong", "xã", 4, GO_NOI),
]

# Cells directly under the town: (code, name, sector, cluster, groups)
TOWN_CELLS = [
    (PPT_CODE, PPT_NAME, EDUCATION, GO_NOI, ["Tổ đảng Giáo viên", "Tổ đảng Văn phòng"]),
    ("DB-NDH", "Chi bộ Trường THPT Nguyễn Duy Hiệu", EDUCATION, None, []),
    ("DB-HD", "Chi bộ Trường THPT Hoàng Diệu", EDUCATION, None, []),
    ("DB-NT", "Chi bộ Trường THPT Nguyễn Trãi", EDUCATION, None, []),
    ("DB-LTV", "Chi bộ Trường THPT Lương Thế Vinh", EDUCATION, None, []),
    ("DB-TTGDNN", "Chi bộ Trung tâm GDNN-GDTX", EDUCATION, None, []),
    ("DB-TTYT", "Chi bộ Trung tâm Y tế thị xã", HEALTH, None, ["Tổ đảng Khoa Nội", "Tổ đảng Khoa Ngoại"]),
    ("DB-PKAP", "Chi bộ Phòng khám đa khoa An Phước", HEALTH, None, []),
    ("DB-QS", "Chi bộ Ban Chỉ huy Quân sự thị xã", ARMED_FORCES, None, []),
    ("DB-CA", "Chi bộ Công an thị xã", ARMED_FORCES, None, ["Tổ đảng Cảnh sát", "Tổ đảng An ninh"]),
    ("DB-VP", "Chi bộ Văn phòng Thị ủy", ADMINISTRATION, None, []),
    ("DB-UBND", "Chi bộ Văn phòng HĐND và UBND thị xã", ADMINISTRATION, None, []),
    ("DB-DTVT", "Chi bộ Công ty CP Dệt may Điện Nam", ENTERPRISES, None, ["Tổ đảng Phân xưởng 1"]),
    ("DB-PANKO", "Chi bộ Công ty TNHH Panko Tam Thăng", ENTERPRISES, None, []),
    ("DB-GACH", "Chi bộ Công ty CP Gạch ngói Điện Bàn", ENTERPRISES, None, []),
]  # fmt: skip

HIGH_SCHOOLS = [cell[0] for cell in TOWN_CELLS[:5]]


def locality_code(suffix):
    return f"{TOWN_CODE}-{suffix}"


def units():
    """Yield (code, name, kind, parent code, cluster name, sector name), parents first."""
    yield TOWN_CODE, TOWN_NAME, "committee", None, None, None
    for code, name, sector, cluster, groups in TOWN_CELLS:
        yield code, name, "cell", TOWN_CODE, cluster, sector
        for number, group in enumerate(groups, start=1):
            yield f"{code}-T{number}", group, "group", code, None, None
    for suffix, name, level, areas, cluster in LOCALITIES:
        code = locality_code(suffix)
        yield code, f"Đảng bộ {level} {name}", "committee", TOWN_CODE, cluster, None
        area = "khối phố" if level == "phường" else "thôn"
        for number in range(1, areas + 1):
            cell = f"{code}-K{number}"
            yield cell, f"Chi bộ {area} {number}", "cell", code, None, None
            if number == 1:
                yield f"{cell}-T1", "Tổ đảng 1", "group", cell, None, None
        yield f"{code}-QS", f"Chi bộ Quân sự {level}", "cell", code, None, ARMED_FORCES
        yield f"{code}-THCS", f"Chi bộ Trường THCS {name}", "cell", code, None, EDUCATION
        yield f"{code}-TYT", f"Chi bộ Trạm Y tế {name}", "cell", code, None, HEALTH
