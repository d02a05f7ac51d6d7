# How the pages write a moment and a day in English (clinic.jinja2.when and day).
SHORT_DATETIME_FORMAT = "D j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
