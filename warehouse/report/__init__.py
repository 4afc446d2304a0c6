"""The HTML report: its sections gathered from `sql/report/`, its charts, and its page."""
