"""Resolved entities: who and what the mentions refer to, and analysts' judgements on them."""
