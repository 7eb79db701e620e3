"""Plausible Vietnamese names and national IDs, drawn from a seeded random generator.

Family names follow their rough frequency (Nguyễn, Trần, Lê, Phạm ... cover most of the
country); middle names depend on gender (Văn/Hữu/Đức for men, Thị/Ngọc/Thu for women).
"""

FAMILY_NAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 10), ("Phạm", 7), ("Huỳnh", 5), ("Hoàng", 3),
    ("Phan", 4), ("Võ", 5), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 1),
    ("Dương", 1), ("Lý", 1), ("Trương", 2), ("Đoàn", 1), ("Mai", 1), ("Đinh", 1),
    ("Lương", 1), ("Châu", 1), ("Tôn", 1),
]  # fmt: skip
MIDDLE_NAMES = {
    "male": ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thanh", "Ngọc", "Bá"],
    "female": ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng", "Bích"],
}
# A second middle name ("Nguyễn Thị Thu Hà", "Trần Văn Minh Tuấn").
SECOND_MIDDLE_NAMES = {
    "male": ["Minh", "Quốc", "Anh", "Hoàng", "Đức", "Thành"],
    "female": ["Thu", "Ngọc", "Kim", "Bảo", "Minh", "Thanh"],
}
GIVEN_NAMES = {
    "male": [
        "An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Định", "Đông", "Giang",
        "Hải", "Hào", "Hiếu", "Hòa", "Hoàng", "Hùng", "Huy", "Khải", "Khánh", "Khoa", "Lâm",
        "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Nhân", "Phát", "Phong", "Phú", "Phúc",
        "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thiện", "Thịnh", "Tiến",
        "Toàn", "Trí", "Trung", "Tú", "Tuấn", "Việt", "Vinh", "Vũ",
    ],
    "female": [
        "An", "Anh", "Bích", "Châu", "Chi", "Diệp", "Dung", "Duyên", "Giang", "Hà", "Hạnh",
        "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Khánh", "Lan", "Liên", "Linh", "Loan",
        "Ly", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhi", "Nhung", "Oanh", "Phương", "Quyên",
        "Quỳnh", "Sương", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Trâm", "Trinh", "Tuyết",
        "Uyên", "Vân", "Vy", "Xuân", "Yến",
    ],
}  # fmt: skip
_FAMILY_POOL = [name for name, weight in FAMILY_NAMES for _ in range(weight)]

# Quảng Nam's province code in the 12-digit citizen ID.
PROVINCE_CODE = "049"


def full_name(rng, gender):
    """A three-word name; one in six has a second middle name."""
    middle = rng.choice(MIDDLE_NAMES[gender])
    words = [rng.choice(_FAMILY_POOL), middle]
    if rng.random() < 1 / 6:
        second = rng.choice(SECOND_MIDDLE_NAMES[gender])
        if second != middle:
            words.append(second)
    given = rng.choice(GIVEN_NAMES[gender])
    if given == words[-1]:
        given = rng.choice(GIVEN_NAMES[gender])
    words.append(given)
    return " ".join(words)


def national_id(serial, gender, birth_year, province=PROVINCE_CODE):
    """A 12-digit citizen ID: province, century-and-gender digit, birth year, serial."""
    century = 0 if birth_year < 2000 else 2
    digit = century + (1 if gender == "female" else 0)
    return f"{province}{digit}{birth_year % 100:02d}{serial % 1_000_000:06d}"
