"""analytics.national: a national table analysed in blocks of whole authorities gives exactly the
figures of one pass over the whole table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmqa_lib.analytics.measures import quarterly_measures
from pmqa_lib.analytics.national import analyse_national, series_blocks
from pmqa_lib.dev.bench import synthetic_catalogue, synthetic_observations

KEYS = ["la", "indicator"]


def test_blocks_hold_whole_authorities_and_every_row_once():
    frame = pd.DataFrame({"la": [3, 1, 1, 2, 3, 2, 2, 1, 3, 3]})
    blocks = series_blocks(frame, "la", block_rows=4)
    assert sorted(np.concatenate(blocks).tolist()) == list(range(10))
    owners = [set(frame["la"].iloc[b]) for b in blocks]
    for i, a in enumerate(owners):
        for b in owners[i + 1 :]:
            assert not a & b  # no authority is split between blocks
    assert len(blocks) == 3  # 3 + 3 + 4 rows: a block closes once it holds 4 rows or more


def test_blocked_run_equals_one_pass():
    cat = synthetic_catalogue().head(12)
    obs, pops = synthetic_observations(7, cat, n_q=12, seed=5)
    assert obs["period"].max() == "2012Q4"  # the last of 12 quarters from 2010Q1
    whole = quarterly_measures(obs, cat, pops, None, KEYS, until="2012Q4")
    result = analyse_national(obs, cat, pops, KEYS, block_rows=150)  # 7 LAs x 144 rows: 7 blocks
    assert len(result.quarterly) == 7
    blocked = result.quarterly_table().drop(columns="ordinal")
    order = KEYS + ["period"]
    pd.testing.assert_frame_equal(
        blocked.sort_values(order).reset_index(drop=True),
        whole.sort_values(order).reset_index(drop=True),
        check_like=True,
    )
    latest = result.latest
    assert len(latest) == 7 * 12 and latest[KEYS].drop_duplicates().shape[0] == 7 * 12
    # England is the mean over every authority, across the blocks: worked here for one indicator
    one = latest[latest["indicator"] == cat["indicator"].iloc[0]]
    assert one["england"].nunique() == 1
    assert one["england"].iloc[0] == np.mean(one["value"].dropna())
    # a series whose latest return is missing is there, unrated; every other is rated
    # (3 latest returns missing; one rolling 4-quarter rate with a quarter missing in its window)
    missing = latest["value"].isna()
    assert latest.loc[missing, "status"].tolist().count("missing") == 3
    assert latest.loc[missing, "note"].tolist().count("no data: rolling window incomplete") == 1
    assert set(latest.loc[missing, "rag"]) == {""}
    assert set(latest.loc[~missing, "rag"]) <= {"Red", "Amber", "Green"}
    assert set(result.seconds) >= {"quarterly measures", "trend (trajectory, Mann-Kendall)"}
