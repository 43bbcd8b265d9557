package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// asset is one built frontend file, held in memory with its gzip form when that is smaller.
type asset struct {
	body, gz   []byte
	ctype      string
	etag       string // of body; the gzip form's is etag with -gz, as it is another representation
	gzETag     string
	versioned  bool // scripts and stylesheets: only ?v=<asset version> URLs may be kept for good
	compressed bool
}

// compressible lists the text formats worth compressing (fonts and icons are compressed already
// or tiny).
var compressible = map[string]bool{".css": true, ".js": true, ".mjs": true, ".svg": true, ".json": true, ".map": true, ".txt": true}

// loadAssets reads every asset once and gzips the text ones, at start-up.
func loadAssets(assets fs.FS) map[string]*asset {
	table := map[string]*asset{}
	_ = fs.WalkDir(assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path.Base(p), ".") {
			return nil
		}
		b, err := fs.ReadFile(assets, p)
		if err != nil {
			return nil
		}
		ext := path.Ext(p)
		sum := sha256.Sum256(b)
		a := &asset{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, versioned: ext == ".css" || ext == ".js" || ext == ".mjs"}
		if a.ctype = mime.TypeByExtension(ext); a.ctype == "" {
			a.ctype = http.DetectContentType(b)
		}
		if ext == ".mjs" {
			a.ctype = "text/javascript; charset=utf-8" // some systems' mime.types lack it
		}
		if compressible[ext] {
			var z bytes.Buffer
			w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
			_, _ = w.Write(b)
			if w.Close() == nil && z.Len() < len(b) {
				a.gz, a.compressed = z.Bytes(), true
				a.gzETag = strings.TrimSuffix(a.etag, `"`) + `-gz"`
			}
		}
		table[p] = a
		return nil
	})
	return table
}

// assetRoutes serves the built frontend from memory, gzipped when the browser accepts it. The
// layout's URLs carry ?v=<hash of the assets>, so those may be kept for a year and still never
// run a stale script after an upgrade. The files they pull in without it (the modules app.mjs
// imports, fonts and images named in the stylesheets) are revalidated (scripts and stylesheets)
// or kept for a day (the rest), with ETags so revalidation costs a 304.
func (h *Handler) assetRoutes(r *gin.Engine) {
	if h.o.Assets == nil {
		return
	}
	table, _ := onceFor(h.o.Assets, "assets", func() (map[string]*asset, error) { return loadAssets(h.o.Assets), nil })
	serve := func(c *gin.Context) {
		name := trimSlash(c.Param("path"))
		a, ok := table[name]
		if !ok {
			c.Status(http.StatusNotFound)
			return
		}
		hd := c.Writer.Header()
		switch {
		case c.Query("v") == h.assetVer:
			hd.Set("Cache-Control", "public, max-age=31536000, immutable")
		case a.versioned:
			hd.Set("Cache-Control", "no-cache")
		default:
			hd.Set("Cache-Control", "public, max-age=86400")
		}
		hd.Set("Content-Type", a.ctype)
		body, etag := a.body, a.etag
		if a.compressed {
			hd.Add("Vary", "Accept-Encoding")
			if acceptsGzip(c.GetHeader("Accept-Encoding")) {
				body, etag = a.gz, a.gzETag
				hd.Set("Content-Encoding", "gzip")
			}
		}
		hd.Set("ETag", etag)
		// ServeContent answers HEAD, If-None-Match (304) and ranges (of the encoded bytes).
		http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(body))
	}
	r.GET("/assets/*path", serve)
	r.HEAD("/assets/*path", serve)
}

// acceptsGzip reads an Accept-Encoding header (RFC 9110 §12.5.3): gzip, unless its q is 0;
// or * with a q above 0 when gzip is not named.
func acceptsGzip(header string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}

func trimSlash(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	return s
}

// assetVersion hashes every asset's name and content.
func assetVersion(assets fs.FS) string {
	if assets == nil {
		return "none"
	}
	v, _ := onceFor(assets, "version", func() (string, error) { return hashAssets(assets), nil })
	return v
}

func hashAssets(assets fs.FS) string {
	var names []string
	_ = fs.WalkDir(assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	sum := sha256.New()
	for _, n := range names {
		b, _ := fs.ReadFile(assets, n)
		sum.Write([]byte(n))
		sum.Write(b)
	}
	return hex.EncodeToString(sum.Sum(nil))[:12]
}
