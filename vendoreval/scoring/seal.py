"""The EU Cloud Sovereignty Framework's SEAL ladder (CSF v1.2.1): what each SEAL level means. The questionnaire shows
it where a buyer sets a minimum SEAL, and the report prints it as its reading key."""

from __future__ import annotations

SEAL_LADDER = [
    (0, "No sovereignty", "The service is under exclusive control of parties outside the trusted jurisdictions; "
                          "their law does not practically apply."),
    (1, "Jurisdictional sovereignty", "Trusted law formally applies, but with limited practical enforceability; "
                                      "untrusted parties keep exclusive control."),
    (2, "Data sovereignty", "Trusted law applies and is enforceable; material dependencies on untrusted parties "
                            "remain."),
    (3, "Digital resilience", "Trusted actors exercise meaningful but not full influence; untrusted control is "
                              "marginal."),
    (4, "Full digital sovereignty", "Technology, operations and data are under complete trusted control."),
]
