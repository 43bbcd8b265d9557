package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// The theme taxonomy, read-only, for everyone signed in (issue 12 item 3): what each theme
// means, the keywords that suggest it and the codes of other systems that map to it. People tag
// and search by these themes, so they need to read their definitions where they work. Admins
// change the taxonomy through /api/v1/themes (docs/reference-data.md).

func (h *Handler) themeRoutes(r gin.IRoutes) {
	r.GET("/themes", h.themes)
	r.GET("/themes/:code", h.theme)
}

type themesData struct {
	Groups  []themeListGroup
	Version int
}

type themeListGroup struct {
	Code, Label string
	Themes      []casereview.Theme
}

func (h *Handler) themes(c *gin.Context) {
	all, version, err := h.svc.ListThemes(c.Request.Context(), "")
	if err != nil {
		h.fail(c, err)
		return
	}
	byGroup := map[string][]casereview.Theme{}
	var groups []string
	for _, t := range all {
		if _, ok := byGroup[t.Group]; !ok {
			groups = append(groups, t.Group)
		}
		byGroup[t.Group] = append(byGroup[t.Group], t)
	}
	slices.Sort(groups)
	d := themesData{Version: version}
	for _, g := range groups {
		l := themeGroupLabels[g]
		if l == "" {
			l = "Group " + g
		}
		d.Groups = append(d.Groups, themeListGroup{Code: g, Label: l, Themes: byGroup[g]})
	}
	p := h.page(c, "Themes", d)
	p.Nav = "themes"
	h.render(c, http.StatusOK, "themes", p)
}

type themeData struct {
	Theme      casereview.Theme
	GroupLabel string
	Replaced   *casereview.Theme // the theme to use instead, when deprecated with one
	SearchHref string
}

func (h *Handler) theme(c *gin.Context) {
	ctx := c.Request.Context()
	t, err := h.svc.GetTheme(ctx, c.Param("code"))
	if err != nil {
		h.fail(c, err)
		return
	}
	d := themeData{Theme: t, GroupLabel: themeGroupLabels[t.Group],
		SearchHref: "/search?" + url.Values{"theme": {t.Code}}.Encode()}
	if t.ReplacedBy != "" {
		if r, err := h.svc.GetTheme(ctx, t.ReplacedBy); err == nil {
			d.Replaced = &r
		} else if !casereview.IsCode(err, casereview.CodeNotFound) {
			h.fail(c, err)
			return
		}
	}
	p := h.page(c, t.Label, d)
	p.Nav = "themes"
	h.render(c, http.StatusOK, "theme", p)
}
