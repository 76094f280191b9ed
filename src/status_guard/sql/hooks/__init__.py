"""Driver and ORM hooks that check every statement before it runs.

A raw driver connection that was not wrapped bypasses these hooks: revoke the forbidden columns
in the database as the second line (``status-guard sql revoke``)."""
