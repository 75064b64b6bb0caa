"""Constants of the published statistical methods that more than one stage applies.

XmR charts (NHS England, "Making Data Count", 2019; Wheeler): the process limits are the mean
+/- 2.66 x the mean moving range (2.66 = 3 / d2, d2 = 1.128 for ranges of two points), and a
moving range above 3.267 x the mean moving range (D4 for n = 2) is beyond the upper range limit:
SPC leaves such ranges out when screening (:mod:`pmqa_lib.analytics.spc`), and validation warns
of a quarter-to-quarter change that large (:mod:`pmqa_lib.validate.return_rules`).
"""

#: process limits: mean +/- XMR_LIMIT x mean moving range
XMR_LIMIT = 2.66
#: upper range limit: a moving range above XMR_RANGE_LIMIT x the mean moving range is unusual
XMR_RANGE_LIMIT = 3.267
