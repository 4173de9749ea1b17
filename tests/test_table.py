"""Tables: columns are padded to their widest cell, and numbers align right."""

from finops_kg.table import render_table


def test_render_table_aligns_text_left_and_numbers_right():
    assert render_table(["name", "n"], [["Allocation", 17], ["Budgeting", 5]]).splitlines() == [
        "name         n",
        "----------  --",
        "Allocation  17",
        "Budgeting    5",
    ]


def test_render_table_with_no_rows_keeps_the_header():
    assert render_table(["gap", "reason"], []) == "gap  reason\n---  ------\n"
