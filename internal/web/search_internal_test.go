package web

import "testing"

// markHighlight must not trust the index: whatever a passage holds, only balanced, bare <mark>
// tags come out as markup.
func TestMarkHighlight(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"risk &lt;b&gt;assessment&lt;/b&gt; <mark>DASH</mark> form", `risk &lt;b&gt;assessment&lt;/b&gt; <mark class="app-hit">DASH</mark> form`},
		{"raw <script>alert(1)</script> <mark>word</mark>", `raw &lt;script&gt;alert(1)&lt;/script&gt; <mark class="app-hit">word</mark>`},
		{"<mark onclick=x>a</mark>", `&lt;mark onclick=x&gt;a`},
		{"</mark>x<mark>y", `x<mark class="app-hit">y</mark>`},
		{"<mark><mark>y</mark></mark>", `<mark class="app-hit">y</mark>`},
		{"Tom &amp; Jerry&#39;s &quot;plan&quot;", `Tom &amp; Jerry&#39;s &#34;plan&#34;`},
		{"&amp;lt;mark&amp;gt;", `&amp;lt;mark&amp;gt;`},
		{"&lt;mark&gt;not a tag&lt;/mark&gt;", `&lt;mark&gt;not a tag&lt;/mark&gt;`},
	} {
		if got := string(markHighlight(c.in)); got != c.want {
			t.Errorf("markHighlight(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}
