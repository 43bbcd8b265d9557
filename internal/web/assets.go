package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"
)

// assetRoutes serves the built frontend from the binary. URLs carry ?v=<hash of the assets>, so
// browsers may keep them for a year and still never run a stale script after an upgrade.
func (h *Handler) assetRoutes(r *gin.Engine) {
	if h.o.Assets == nil {
		return
	}
	files := http.FileServer(http.FS(h.o.Assets))
	serve := func(c *gin.Context) {
		name := c.Param("path")
		if st, err := fs.Stat(h.o.Assets, trimSlash(name)); err != nil || st.IsDir() {
			c.Status(http.StatusNotFound)
			return
		}
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
		c.Request.URL.Path = name
		files.ServeHTTP(c.Writer, c.Request)
	}
	r.GET("/assets/*path", serve)
	r.HEAD("/assets/*path", serve)
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
