# Typed date-times are read the same way in both languages.
from dxcenter.formats.ja.formats import DATETIME_INPUT_FORMATS, FIRST_DAY_OF_WEEK  # noqa: F401

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
