package actionplan

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Text files come in whatever encoding the program that saved them chose: UTF-8 (with or
// without a byte-order mark), UTF-16 (Excel's "Unicode text", tab separated, usually with a
// byte-order mark) or, from Excel's plain "CSV" on Windows, Windows-1252, which is also what
// any other single-byte Western file (ISO-8859-1, -15) reads as best.

// utf16Order tells UTF-16 by its byte-order mark or, without one, by the zero bytes that ASCII
// text has in every other place; nil when the data is not UTF-16.
func utf16Order(data []byte) encoding.Encoding {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	}
	n := min(len(data), 4096) &^ 1
	if n < 8 {
		return nil
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			even++
		}
		if data[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	switch {
	case odd*10 >= half*9 && even == 0:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case even*10 >= half*9 && odd == 0:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	}
	return nil
}

// decodeText returns data as UTF-8 and the name of the encoding it was read as ("" for UTF-8).
func decodeText(data []byte) ([]byte, string) {
	if enc := utf16Order(data); enc != nil {
		if out, err := enc.NewDecoder().Bytes(data); err == nil {
			return bytes.TrimPrefix(out, []byte("\xEF\xBB\xBF")), "UTF-16"
		}
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(data) {
		return data, ""
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return bytes.ToValidUTF8(data, []byte("\uFFFD")), "UTF-8 with invalid bytes"
	}
	return out, "Windows-1252"
}
