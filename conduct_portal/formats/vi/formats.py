# Vietnamese administrative style: "ngày 5 tháng 9 năm 2024", no zero padding.
DATE_FORMAT = r"\n\gà\y j \t\há\n\g n \nă\m Y"
DATETIME_FORMAT = r"H:i, \n\gà\y j \t\há\n\g n \nă\m Y"
SHORT_DATE_FORMAT = "j/n/Y"
SHORT_DATETIME_FORMAT = "H:i j/n/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
