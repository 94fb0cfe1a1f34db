"""Evaluation of library activity (TT 05/2020/TT-BVHTTDL): criteria sets per evaluating
body, indicators computed from the statistics reports, self-assessment and review, peer
ranking, reports, and the programme KPIs of QĐ 206/QĐ-TTg."""
