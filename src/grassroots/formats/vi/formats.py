# Vietnamese as administrative documents write it: 15/03/2024 (Django's own Vietnamese format
# writes 15-03-2024). The long form leaves out Django's leading "Ngày": the sentences that
# show it already say "ngày …" ("Ngày %(day)s đã tiếp nhận"), which read "Ngày Ngày 01 …".
DATE_FORMAT = r"d \t\há\n\g n \nă\m Y"
DATETIME_FORMAT = r"H:i, d \t\há\n\g n \nă\m Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
# Typed dates are read day first, as they are written here (never 03/15/2024).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
