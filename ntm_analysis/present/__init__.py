"""What people see: tables, charts, the briefing pack and the what-if widget. Presenters
format the analyses' results; they never compute or parse them."""
