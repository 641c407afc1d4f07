from conftest import Run


def test_list_mardi_shows_19_sessions_in_two_tables(run: Run) -> None:
    result = run("list", "--day", "mardi")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("Mardi 4 mars 2025 ·") == 2
    assert result.stdout.rstrip().endswith("19 sessions")
    assert result.stderr == ""
