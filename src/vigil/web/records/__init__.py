"""Records as agencies sent them: staff, records and their versions, mentions, actions, access."""
