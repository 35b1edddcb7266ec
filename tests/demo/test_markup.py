"""collectibles/demo/markup.py: every value on the demo's pages is escaped, in text and in attributes."""

from collectibles.demo.markup import attrs, escape, fact


def test_escape__markup_and_quotes__as_entities():
    assert escape('<b a="1">\'&') == "&lt;b a=&quot;1&quot;&gt;&#x27;&amp;"


def test_attrs__values_escaped_names_kept_in_order():
    assert attrs({"data-owner": '0x"1', "width": 300}) == 'data-owner="0x&quot;1" width="300"'


def test_fact__term_escaped_value_taken_as_html():
    assert fact("A<B", "<code>1</code>") == "<div><dt>A&lt;B</dt><dd><code>1</code></dd></div>"
