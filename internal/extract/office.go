package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// zipFormat tells a DOCX from an ODT: an ODT names its type in the "mimetype" entry, a DOCX has
// word/document.xml.
func zipFormat(data []byte) (Format, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", ErrUnsupported
	}
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			return DOCX, nil
		case "mimetype":
			b, err := readZipFile(f, 200)
			if err == nil && strings.HasPrefix(string(b), "application/vnd.oasis.opendocument.text") {
				return ODT, nil
			}
		}
	}
	return "", ErrUnsupported
}

// maxXML bounds what one XML part may expand to, so a zip bomb is refused.
const maxXML = 64 << 20

func readZipFile(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, ErrTooLarge
	}
	return b, nil
}

func zipPart(data []byte, name string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, ErrUnsupported
	}
	for _, f := range zr.File {
		if f.Name == name {
			return readZipFile(f, maxXML)
		}
	}
	return nil, errNoPart
}

var errNoPart = errors.New("extract: part absent")

// pager gathers paragraphs into pages.
type pager struct {
	pages []string
	cur   strings.Builder
	para  strings.Builder
}

func (p *pager) endPara() {
	p.cur.WriteString(strings.TrimRight(p.para.String(), " \t"))
	p.cur.WriteString("\n")
	p.para.Reset()
}

func (p *pager) pageBreak() {
	p.pages = append(p.pages, p.cur.String())
	p.cur.Reset()
}

func (p *pager) done() []string {
	if p.para.Len() > 0 {
		p.endPara()
	}
	if p.cur.Len() > 0 || len(p.pages) == 0 {
		p.pageBreak()
	}
	return p.pages
}

// listLevel is how one level of a numbered list prints its number.
type listLevel struct {
	format string // decimal, lowerLetter, upperLetter, lowerRoman, upperRoman, bullet
	text   string // DOCX: "%1." — %n is the number of level n; ODT: the prefix
	start  int
	// textSuffix is what an ODT level prints after the number.
	textSuffix string
}

func formatNumber(n int, format string) string {
	switch format {
	case "lowerLetter", "a":
		return letters(n)
	case "upperLetter", "A":
		return strings.ToUpper(letters(n))
	case "lowerRoman", "i":
		return roman(n)
	case "upperRoman", "I":
		return strings.ToUpper(roman(n))
	case "bullet", "none", "":
		return ""
	}
	return strconv.Itoa(n)
}

func letters(n int) string {
	if n < 1 {
		return strconv.Itoa(n)
	}
	s := ""
	for n > 0 {
		n--
		s = string(rune('a'+n%26)) + s
		n /= 26
	}
	return s
}

func roman(n int) string {
	if n < 1 || n > 3999 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// docxNumbering reads word/numbering.xml: numId -> level -> format.
func docxNumbering(data []byte) map[string]map[int]listLevel {
	out := map[string]map[int]listLevel{}
	b, err := zipPart(data, "word/numbering.xml")
	if err != nil {
		return out
	}
	abstract := map[string]map[int]listLevel{}
	numToAbstract := map[string]string{}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var curAbs, curNum string
	curLvl := -1
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "abstractNum":
			curAbs, curNum = attr(se, "abstractNumId"), ""
			abstract[curAbs] = map[int]listLevel{}
		case "num":
			curNum, curAbs = attr(se, "numId"), ""
		case "abstractNumId":
			if curNum != "" {
				numToAbstract[curNum] = attr(se, "val")
			}
		case "lvl":
			curLvl, _ = strconv.Atoi(attr(se, "ilvl"))
			if curAbs != "" {
				abstract[curAbs][curLvl] = listLevel{format: "decimal", text: "%" + strconv.Itoa(curLvl+1) + ".", start: 1}
			}
		case "numFmt", "lvlText", "start":
			if curAbs == "" || curLvl < 0 {
				continue
			}
			l := abstract[curAbs][curLvl]
			switch se.Name.Local {
			case "numFmt":
				l.format = attr(se, "val")
			case "lvlText":
				l.text = attr(se, "val")
			case "start":
				l.start, _ = strconv.Atoi(attr(se, "val"))
			}
			abstract[curAbs][curLvl] = l
		}
	}
	for num, abs := range numToAbstract {
		out[num] = abstract[abs]
	}
	return out
}

// readDOCX reads word/document.xml paragraph by paragraph. Word stores an automatic list
// number as a property, not as text, so the number is printed here from numbering.xml, as Word
// would show it, because the finder needs it. Pages break where the document says so (a page
// break, or where Word last laid a page out).
func readDOCX(data []byte) ([]string, error) {
	b, err := zipPart(data, "word/document.xml")
	if err != nil {
		return nil, fmt.Errorf("extract: the DOCX could not be read: %w", err)
	}
	numbering := docxNumbering(data)
	counters := map[string][]int{} // numId -> count per level
	var p pager
	dec := xml.NewDecoder(bytes.NewReader(b))
	inText := false
	var numID string
	ilvl := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("extract: the DOCX could not be read: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				numID, ilvl = "", 0
			case "numId":
				numID = attr(t, "val")
			case "ilvl":
				ilvl, _ = strconv.Atoi(attr(t, "val"))
			case "pageBreakBefore":
				if attr(t, "val") != "0" && attr(t, "val") != "false" {
					p.pageBreak()
				}
			case "r":
				if numID != "" && numID != "0" && p.para.Len() == 0 {
					p.para.WriteString(docxListMarker(numbering[numID], counters, numID, ilvl))
					numID = ""
				}
			case "t":
				inText = true
			case "tab":
				p.para.WriteString("\t")
			case "br", "cr":
				if attr(t, "type") == "page" {
					p.endPara()
					p.pageBreak()
				} else {
					p.para.WriteString("\n")
				}
			case "lastRenderedPageBreak":
				if strings.TrimSpace(p.cur.String()) != "" {
					if p.para.Len() > 0 {
						p.endPara()
					}
					p.pageBreak()
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				p.endPara()
			}
		case xml.CharData:
			if inText {
				p.para.Write(t)
			}
		}
	}
	return p.done(), nil
}

func docxListMarker(levels map[int]listLevel, counters map[string][]int, numID string, ilvl int) string {
	c := counters[numID]
	for len(c) <= ilvl {
		c = append(c, 0)
	}
	c[ilvl]++
	for i := ilvl + 1; i < len(c); i++ {
		c[i] = 0 // a deeper level starts again under each new item
	}
	counters[numID] = c
	lvl, ok := levels[ilvl]
	if !ok {
		lvl = listLevel{format: "decimal", text: "%" + strconv.Itoa(ilvl+1) + ".", start: 1}
	}
	if lvl.format == "bullet" {
		return "• "
	}
	s := lvl.text
	for i := 0; i <= ilvl; i++ {
		f := "decimal"
		start := 1
		if l, ok := levels[i]; ok {
			f, start = l.format, l.start
		}
		s = strings.ReplaceAll(s, "%"+strconv.Itoa(i+1), formatNumber(c[i]+start-1, f))
	}
	return s + " "
}

// readODT reads content.xml. As in DOCX, a list's numbers are not in the text: each list item
// gets the number its list style prints (or a bullet).
func readODT(data []byte) ([]string, error) {
	b, err := zipPart(data, "content.xml")
	if err != nil {
		return nil, fmt.Errorf("extract: the ODT could not be read: %w", err)
	}
	styles := odtListStyles(b)
	if sb, err := zipPart(data, "styles.xml"); err == nil {
		for k, v := range odtListStyles(sb) {
			if _, ok := styles[k]; !ok {
				styles[k] = v
			}
		}
	}
	type list struct {
		style string
		count int
	}
	var lists []*list
	var p pager
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth := 0 // of text:p/text:h
	pendingItem := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("extract: the ODT could not be read: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "list":
				style := attr(t, "style-name")
				if style == "" && len(lists) > 0 {
					style = lists[len(lists)-1].style
				}
				lists = append(lists, &list{style: style})
			case "list-item":
				if len(lists) > 0 {
					lists[len(lists)-1].count++
					pendingItem = true
				}
			case "p", "h":
				depth++
				if pendingItem && depth == 1 {
					l := lists[len(lists)-1]
					lvl := styles[l.style][len(lists)]
					if lvl.format == "bullet" || lvl.format == "" {
						p.para.WriteString("• ")
					} else {
						p.para.WriteString(lvl.text + formatNumber(l.count, lvl.format) + lvl.textSuffix + " ")
					}
					pendingItem = false
				}
			case "s":
				n, _ := strconv.Atoi(attr(t, "c"))
				p.para.WriteString(strings.Repeat(" ", max(n, 1)))
			case "tab":
				p.para.WriteString("\t")
			case "line-break":
				p.para.WriteString("\n")
			case "soft-page-break":
				if p.para.Len() > 0 {
					p.endPara()
				}
				p.pageBreak()
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "list":
				if len(lists) > 0 {
					lists = lists[:len(lists)-1]
				}
			case "p", "h":
				depth--
				if depth == 0 {
					p.endPara()
				}
			}
		case xml.CharData:
			if depth > 0 {
				p.para.Write(t)
			}
		}
	}
	return p.done(), nil
}

// odtListStyles reads text:list-style elements: style name -> level (1-based) -> format.
func odtListStyles(b []byte) map[string]map[int]listLevel {
	out := map[string]map[int]listLevel{}
	dec := xml.NewDecoder(bytes.NewReader(b))
	cur := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "list-style":
			cur = attr(se, "name")
			out[cur] = map[int]listLevel{}
		case "list-level-style-number", "list-level-style-bullet":
			if cur == "" {
				continue
			}
			lvl, _ := strconv.Atoi(attr(se, "level"))
			l := listLevel{format: "bullet"}
			if se.Name.Local == "list-level-style-number" {
				l = listLevel{format: attr(se, "num-format"), text: attr(se, "num-prefix"), textSuffix: attr(se, "num-suffix")}
				if l.format == "" {
					l.format = "1"
				}
			}
			out[cur][lvl] = l
		}
	}
	return out
}
