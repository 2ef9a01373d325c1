"""Rule-based attribution extraction: who says what, in which outlet, with which words.

The public entry point is ``auditor.extract.attributions.extract_attributions``; this package
holds its parts so that each stays small: ``cues`` (the reporting-verb lexicon), ``text``
(paragraphs, sentences, quotation spans), ``names`` (what a noun phrase denotes: person,
organisation, outlet, document or a place that is not a speaker) and ``clauses`` (finding
the speaker and the venue around one cue).
"""
