"""Rule-based attribution extraction: who says what, in which outlet, with which words.

The public entry point is ``auditor.extract.attributions.extract_attributions``; this package
holds its parts so that each stays small: ``cues`` (the cue lexicon, ``data/cues.tsv``),
``text`` (paragraphs, sentences, quotation spans), ``speaker`` (who speaks at a cue, by the
cue's shape), ``clauses`` (the subject before or after a cue, appositions, the venue),
``phrase`` and ``names`` (what a noun phrase denotes: person, organisation, outlet, document
or a place that is not a speaker), ``outlets``, ``anonymous`` (unnamed and generic sources),
``credits`` (quotations credited with a dash), ``gazetteer`` (people named, with gender) and
``references`` (pronouns, descriptions and surnames resolved). ``benchmarks/eval_polnear.py``
measures the whole on real news.
"""
