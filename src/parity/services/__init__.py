"""Use cases: a command in, domain rules applied inside one unit of work, a result or a domain error out."""
