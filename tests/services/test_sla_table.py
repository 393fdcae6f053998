"""The SoP onboarding table, from the catalogue's published SLA (CLI and API agree)."""
import csv
import io

from app.catalogue.sla_table import table


def test_cli_prints_the_sop_table_as_csv(app, api):
    result = app.test_cli_runner().invoke(args=["services", "sla-table", "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["Department Name", "Department Code", "Service Name", "Service Code", "SLA Total Time",
                       "Total No of Sub-SLA", "Time in Sub-SLA 1", "Time in Sub-SLA 2", "Time in Sub-SLA 3"]
    by_name = {r[2]: r for r in rows[1:]}
    assert len(by_name) == 12
    assert by_name["Income Certificate"][1:] == ["PRD", "Income Certificate", "001", "7 days", "1", "7 days", "", ""]
    assert by_name["Ordinary Residential Certificate"][1:] == [
        "HHA", "Ordinary Residential Certificate", "012", "5 days", "3", "1 day", "4 days", "5 days"]
    services = api.get("/api/v1/services?per_page=200").get_json()["items"]
    header, api_rows = table(services)
    assert [header, *api_rows] == rows


def test_cli_prints_a_text_table(app):
    result = app.test_cli_runner().invoke(args=["services", "sla-table"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Department Name") and set(lines[1]) <= {"-", "+"}
    assert any("Janani Suraksha Yojana Certificate" in line and "011" in line for line in lines)
