"""Screening: declarative rules from the protocols, decisions with reasons, human decisions.

- ``rules`` and ``terms``: the rule set a protocol's ``[rules]`` table validates into;
- ``engine``: ``screen_work`` / ``screen`` / ``decide`` decide one work under one rule set (pure);
- ``runner``: ``run`` screens the store's works with no decision under the current rule
  version, through ``decide_batch`` (in this process, in worker processes, or on a cluster via
  ``scatter``) and ``write_decisions``;
- ``human`` and ``agreement``: reviewers' decisions, conflicts and Cohen's kappa;
- ``codes``: the decision words and the reason codes.

This package never imports prefect or ``review.protocol`` (which imports ``rules``), and this
file imports nothing, so loading a protocol does not load the engine or Arrow.

Caches (all per process, bounded): ``engine.compiled`` keeps the compiled form of each rule
set object; ``matcher`` memoises word ids per token and the hits of the last 8 works;
``terms`` caches tokenised fields (256) and term regexes (4,096); ``language`` keeps the
lingua detector, the last 64 detections and the openings detected ahead; ``prescreen`` the
normalised publication-type sets (64); ``batch`` the JSON fragments of matches (up to
``MAX_CACHED_FRAGMENTS``); ``runner`` a worker process's rule sets; ``scatter`` the rule sets a
cluster worker has seen (up to ``MAX_INTERNED_RULE_SETS``).
"""
