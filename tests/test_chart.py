"""Charts: the drawn data must be the input dates' data, and readable without seeing the chart."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from sitegen.chart import counts_by_month, describe, month_number, sparkline_svg, timeline_svg
from sitegen.translation import english

EN = english()


def monthly_counts(dates):
    """What a page's chart counts: its articles' dates, by month."""
    return counts_by_month(month_number(d) for d in dates)


SVG = "{http://www.w3.org/2000/svg}"
DATES = [
    datetime(2021, 11, 30, 23, 0, tzinfo=UTC),
    datetime(2022, 2, 11, 14, 31, tzinfo=UTC),
    datetime(2022, 2, 12, tzinfo=UTC),
    datetime(2022, 4, 1, tzinfo=timezone(timedelta(hours=3))),
]


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode("utf-8"))


def test_monthly_counts_fills_empty_months():
    assert monthly_counts(DATES) == [
        ("2021-11", 1),
        ("2021-12", 0),
        ("2022-01", 0),
        ("2022-02", 2),
        ("2022-03", 0),
        ("2022-04", 1),
    ]
    assert monthly_counts([]) == []
    assert monthly_counts([date(2030, 5, 5)]) == [("2030-05", 1)]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.dates(date(1990, 1, 1), date(2040, 12, 31)), min_size=1, max_size=40))
def test_monthly_counts_is_continuous_and_complete(dates):
    counts = monthly_counts(dates)
    keys = [key for key, _ in counts]
    assert keys == sorted(set(keys))
    assert keys[0] == min(dates).strftime("%Y-%m") and keys[-1] == max(dates).strftime("%Y-%m")
    months = [int(k[:4]) * 12 + int(k[5:]) for k in keys]
    assert months == list(range(months[0], months[-1] + 1))
    expected = Counter(d.strftime("%Y-%m") for d in dates)
    assert {k: n for k, n in counts if n} == dict(expected)


def test_timeline_bars_carry_the_dates_counts():
    counts = monthly_counts(DATES)
    root = parse(timeline_svg(EN, counts, "Mentions of a fictional person"))
    bars = root.findall(f".//{SVG}rect")
    drawn = [(bar.get("data-month"), int(bar.get("data-count"))) for bar in bars]
    assert drawn == [(d.strftime("%Y-%m"), n) for d, n in _by_month(DATES) if n]  # an empty month: no bar
    heights = {bar.get("data-month"): float(bar.get("height")) for bar in bars}
    assert heights["2022-02"] == max(heights.values()) > 0
    assert heights["2021-11"] == heights["2022-02"] / 2
    tooltips = [bar.find(f"{SVG}title").text for bar in bars]
    assert tooltips[1] == "Feb 2022: 2"
    # Each bar stands in its month's slot: the empty months between show as gaps.
    x = {bar.get("data-month"): float(bar.get("x")) for bar in bars}
    slot = (x["2022-04"] - x["2022-02"]) / 2
    assert slot > 0 and x["2022-02"] - x["2021-11"] == pytest.approx(3 * slot, abs=0.02)  # coordinates have two decimals


def _by_month(dates):
    counter = Counter(date(d.year, d.month, 1) for d in dates)
    first, last = min(counter), max(counter)
    month = first
    while month <= last:
        yield month, counter[month]
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def test_timeline_has_a_text_alternative():
    root = parse(timeline_svg(EN, monthly_counts(DATES), "Mentions of <Someone> & co"))
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    labels = [root.find(f".//*[@id='{i}']") for i in ids]
    assert [el.tag for el in labels] == [f"{SVG}title", f"{SVG}desc"]
    assert labels[0].text == "Mentions of <Someone> & co"
    assert labels[1].text == "4 mentions from November 2021 to April 2022; most in February 2022 (2)."
    assert root.findall(f".//{SVG}script") == []
    axis = [t.text for t in root.findall(f".//{SVG}text")]
    assert "Nov 2021" in axis and "Jan 2022" in axis and "2" in axis


def test_chart_ids_are_unique_per_chart_and_stable():
    one = timeline_svg(EN, monthly_counts(DATES), "A")
    assert one == timeline_svg(EN, monthly_counts(DATES), "A")
    other = timeline_svg(EN, monthly_counts(DATES[:2]), "A")
    assert parse(one).get("aria-labelledby") != parse(other).get("aria-labelledby")


def test_long_timelines_label_years_only():
    decade = parse(timeline_svg(EN, monthly_counts([date(2003, 3, 1), date(2012, 8, 1)]), "Long"))
    labels = [t.text for t in decade.find(f"{SVG}g[@class='chart-labels']")]
    assert labels[2:] == [str(year) for year in range(2004, 2013)]  # after "0" and the peak
    assert len(decade.findall(f".//{SVG}rect")) == 2  # one per month with a mention
    longer = parse(timeline_svg(EN, monthly_counts([date(1990, 3, 1), date(2012, 8, 1)]), "Longer"))
    labels = [t.text for t in longer.find(f"{SVG}g[@class='chart-labels']")]
    assert labels[2:] == ["1995", "2000", "2005", "2010"]


def test_empty_timeline_says_so():
    root = parse(timeline_svg(EN, [], "Nothing yet"))
    assert root.find(f"{SVG}desc").text == "No mentions."
    assert root.findall(f".//{SVG}rect") == []


def test_sparkline_is_decorative_unless_labelled():
    counts = monthly_counts(DATES)
    hidden = parse(sparkline_svg(counts))
    assert hidden.get("aria-hidden") == "true" and hidden.get("role") is None
    assert _drawn(sparkline_svg(counts), len(counts)) == pytest.approx([15 - 14 * n / 2 for _, n in counts], abs=0.006)
    points = [p.split(",") for p in hidden.find(f"{SVG}polyline").get("points").split()]
    assert len(points) == len(counts)  # no month lies between two of its own count
    ys = [float(y) for _, y in points]
    assert ys.index(min(ys)) == 3  # the busiest month is drawn highest
    labelled = parse(sparkline_svg(counts, "4 mentions"))
    assert labelled.get("role") == "img" and labelled.get("aria-labelledby") is None  # named by its <title>
    assert labelled[0].tag == f"{SVG}title" and labelled[0].text == "4 mentions" and labelled[0].get("id") is None


def _drawn(svg: str, months: int, width: float = 80) -> list[float]:
    """Each month's height on the line: its own point's, or, for a month left out, that of
    the points on either side, which must be at one height (the line runs straight there)."""
    points = [tuple(map(float, p.split(","))) for p in parse(svg).find(f"{SVG}polyline").get("points").split()]
    step = width / max(months - 1, 1)
    at = {round(x / step): y for x, y in points}  # the month each point is drawn at
    assert len(at) == len(points) and [x for x, _ in points] == sorted(x for x, _ in points)
    assert min(at) == 0 and max(at) == months - 1
    heights = []
    for month in range(months):
        if month not in at:
            before, after = at[max(m for m in at if m < month)], at[min(m for m in at if m > month)]
            assert before == after, f"month {month} lies on a slope"
        heights.append(at.get(month, heights[-1] if heights else None))
    return heights


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0, 0, 0, 0, 1, 2, 5]), min_size=1, max_size=150))
def test_a_sparkline_draws_every_month_at_its_count(values):
    """Points on a straight stretch are left out, never a month's own height."""
    counts = [(f"m{i}", n) for i, n in enumerate(values)]
    svg = sparkline_svg(counts)
    if len(values) == 1:  # a dot, not a line: see the test below
        assert parse(svg).find(f"{SVG}polyline") is None and parse(svg).find(f"{SVG}circle") is not None
        return
    scale = max(max(values), 1)
    want = [15 - 14 * n / scale for n in values]
    assert _drawn(svg, len(want)) == pytest.approx(want, abs=0.006)  # coordinates have 2 decimals
    if len(values) > 2 and all(n == 0 for n in values):
        assert len(parse(svg).find(f"{SVG}polyline").get("points").split()) == 2


def test_describe_counts_singular_and_single_month():
    assert describe(EN, [("2030-01", 1)]) == "1 mention, in January 2030."
    assert describe(EN, [("2030-01", 3)]) == "3 mentions, in January 2030."


def test_describe_tells_its_own_months_within_a_wider_span_and_no_first_of_equals():
    """A sparkline is drawn over the archive's months; its text gives the person's own."""
    wide = counts_by_month([month_number(date(2031, 4, 1))], (month_number(date(2029, 1, 1)), month_number(date(2032, 12, 1))))
    assert len(wide) == 48 and describe(EN, wide) == "1 mention, in April 2031."
    ties = counts_by_month(map(month_number, [date(2030, 1, 5), date(2030, 3, 5)]))
    assert describe(EN, ties) == "2 mentions from January 2030 to March 2030; at most 1 a month."
    assert describe(EN, counts_by_month([], (1, 5))) == "No mentions."


def test_one_mention_in_a_long_span_is_a_peak_in_its_month_not_a_line_along_the_top():
    span = (month_number(date(2029, 1, 1)), month_number(date(2032, 12, 1)))
    counts = counts_by_month([month_number(date(2031, 4, 1))], span)
    heights = _drawn(sparkline_svg(counts), len(counts))
    assert heights.count(1) == 1 and heights.index(1) == 27  # April 2031, drawn at the top
    assert set(heights) == {1, 15}  # every other month at zero
    nothing = _drawn(sparkline_svg(counts_by_month([], span)), 48)
    assert set(nothing) == {15}  # no mentions: along the bottom


def test_a_single_month_is_a_dot():
    root = parse(sparkline_svg([("2031-04", 1)], "1 mention, in Apr 2031."))
    assert root.find(f"{SVG}polyline") is None
    assert root.find(f"{SVG}circle").get("cx") == "40"


def test_a_phone_gets_larger_sparser_axis_labels_hidden_until_a_style_sheet_shows_them():
    """The theme shows one group or the other by the viewport's width (style.css)."""
    root = parse(timeline_svg(EN, monthly_counts([date(2003, 3, 1), date(2012, 8, 1)]), "Long"))
    wide = root.find(f"{SVG}g[@class='chart-labels']")
    narrow = root.find(f"{SVG}g[@class='chart-labels-narrow']")
    assert wide.get("display") is None and narrow.get("display") == "none"
    assert int(narrow.get("font-size")) == 2 * int(wide.get("font-size"))
    assert [t.text for t in narrow][2:] == ["2004", "2006", "2008", "2010", "2012"]  # every other year past five
    assert [t.text for t in wide][2:] == [str(y) for y in range(2004, 2013)]
    year = parse(timeline_svg(EN, monthly_counts([date(2030, 1, 1), date(2030, 12, 1)]), "Year"))
    assert [t.text for t in year.find(f"{SVG}g[@class='chart-labels-narrow']")][2:] == ["Jan 2030", "Apr", "Jul", "Oct"]


def test_bar_titles_come_from_each_catalog_however_often_drawn():
    """Bar titles are kept per catalog (``Catalog.memo``): a chart drawn again is the same,
    and another language's chart has its own titles, not the first language's."""
    from sitegen.translation import catalog

    french, _ = catalog(None, "default", "fr")
    counts = monthly_counts(DATES)
    english_bars = [b.find(f"{SVG}title").text for b in parse(timeline_svg(EN, counts, "x")).findall(f".//{SVG}rect")]
    french_bars = [b.find(f"{SVG}title").text for b in parse(timeline_svg(french, counts, "x")).findall(f".//{SVG}rect")]
    assert timeline_svg(EN, counts, "x") == timeline_svg(EN, counts, "x")
    assert english_bars[1] == "Feb 2022: 2"
    assert french_bars[1] == french.text("chart_bar", month=french.month_of("date_month_short", "2022-02"), count=2) != english_bars[1]


def test_the_peak_is_written_as_the_language_writes_numbers():
    from sitegen.translation import catalog

    german, _ = catalog(None, "default", "de")
    counts = [("2031-01", 1234), ("2031-02", 5)]
    labels = {t.text for t in parse(timeline_svg(german, counts, "x")).iter(f"{SVG}text")}
    assert "1.234" in labels and "1234" not in labels
    assert "1,234" in {t.text for t in parse(timeline_svg(EN, counts, "x")).iter(f"{SVG}text")}


def test_the_text_alternative_writes_months_out_for_a_screen_reader():
    """"im Juli 2016", not "im Jul 2016", which a screen reader reads as a word; the bars'
    titles (seen on hover) keep the short name."""
    from sitegen.translation import catalog

    german, _ = catalog(None, "default", "de")
    assert describe(german, [("2016-07", 1)]) == "1 Erwähnung, im Juli 2016."
    french = describe(catalog(None, "default", "fr")[0], [("2016-07", 2), ("2016-08", 1)])
    assert french.startswith("3 mentions de juillet 2016 à août 2016") and french.endswith("juillet 2016 (2).")
