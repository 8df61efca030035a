"""lists: the domain and the store of ftm (members, hubs, postcodes, consent, outbox).

This room imports none of ftm's other packages.
"""
