package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Saved searches and follows (issue 18 §3): "Save this search" on the search page, the list on
// the account page (run again, rename, watch or stop watching, delete), and Follow buttons on
// recommendations and reviews. Plain forms; the same service methods as the API.

func (h *Handler) savedSearchRoutes(r gin.IRoutes) {
	r.POST("/account/searches", h.saveSearch)
	r.GET("/account/searches/:id", h.savedSearchForm)
	r.POST("/account/searches/:id", h.renameSavedSearch)
	r.POST("/account/searches/:id/watch", h.watchSavedSearch)
	r.POST("/account/searches/:id/delete", h.deleteSavedSearch)
	r.POST("/recommendations/:id/follow", h.follow(casereview.FollowRecommendation, "/recommendations/"))
	r.POST("/reviews/:id/follow", h.follow(casereview.FollowReview, "/reviews/"))
}

type savedSearchForm struct {
	S      casereview.SavedSearch
	Query  string // the search, for the hidden field
	Action string
	New    bool
}

// saveSearch keeps the search the results page showed (its query, a name, and watch).
func (h *Handler) saveSearch(c *gin.Context) {
	if _, ok := identityOf(c); !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	name, query, watch := c.PostForm("name"), c.PostForm("query"), c.PostForm("watch") == "yes"
	x, err := h.svc.SaveSearch(c.Request.Context(), name, query, watch)
	if err == nil {
		msg := "Your search ‘" + x.Name + "’ is saved"
		if x.Watch {
			msg += ": you will be told when new or changed recommendations match it"
		}
		h.done(c, msg+".", "/account#saved-searches")
		return
	}
	probs := problemsOf(err)
	if probs == nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Save this search", &savedSearchForm{Query: query, Action: "/account/searches", New: true})
	p.Errors, p.Form = probs, url.Values{"name": {name}}
	if watch {
		p.Form.Set("watch", "yes")
	}
	h.render(c, http.StatusUnprocessableEntity, "saved-search", p)
}

func (h *Handler) ownSavedSearch(c *gin.Context) (casereview.SavedSearch, bool) {
	if _, ok := identityOf(c); !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return casereview.SavedSearch{}, false
	}
	x, err := h.svc.GetSavedSearch(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return x, false
	}
	return x, true
}

func (h *Handler) savedSearchForm(c *gin.Context) {
	x, ok := h.ownSavedSearch(c)
	if !ok {
		return
	}
	p := h.page(c, "Rename a saved search", &savedSearchForm{S: x, Action: "/account/searches/" + x.ID})
	p.Nav, p.Form = "account", url.Values{"name": {x.Name}}
	h.render(c, http.StatusOK, "saved-search", p)
}

func (h *Handler) renameSavedSearch(c *gin.Context) {
	x, ok := h.ownSavedSearch(c)
	if !ok {
		return
	}
	name := c.PostForm("name")
	saved, err := h.svc.UpdateSavedSearch(c.Request.Context(), x.ID, casereview.SavedSearchChange{Name: &name})
	if err == nil {
		h.done(c, "Saved search renamed: "+saved.Name+".", "/account#saved-searches")
		return
	}
	probs := problemsOf(err)
	if probs == nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Rename a saved search", &savedSearchForm{S: x, Action: "/account/searches/" + x.ID})
	p.Nav, p.Errors, p.Form = "account", probs, url.Values{"name": {name}}
	h.render(c, http.StatusUnprocessableEntity, "saved-search", p)
}

func (h *Handler) watchSavedSearch(c *gin.Context) {
	x, ok := h.ownSavedSearch(c)
	if !ok {
		return
	}
	on := c.PostForm("watch") == "on"
	if _, err := h.svc.UpdateSavedSearch(c.Request.Context(), x.ID, casereview.SavedSearchChange{Watch: &on}); err != nil {
		h.fail(c, err)
		return
	}
	msg := "You no longer watch ‘" + x.Name + "’."
	if on {
		msg = "You now watch ‘" + x.Name + "’: you will be told when new or changed recommendations match it."
	}
	h.done(c, msg, "/account#saved-searches")
}

func (h *Handler) deleteSavedSearch(c *gin.Context) {
	x, ok := h.ownSavedSearch(c)
	if !ok {
		return
	}
	if err := h.svc.DeleteSavedSearch(c.Request.Context(), x.ID); err != nil {
		h.fail(c, err)
		return
	}
	h.done(c, "Saved search deleted: "+x.Name+".", "/account#saved-searches")
}

// follow makes the person follow (follow=on) or stop following a recommendation or review, and
// goes back to its page.
func (h *Handler) follow(typ casereview.FollowSubject, prefix string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, ok := identityOf(c); !ok {
			c.Redirect(http.StatusSeeOther, "/sign-in")
			return
		}
		on := c.PostForm("follow") == "on"
		if _, err := h.svc.SetFollowing(c.Request.Context(), typ, c.Param("id"), on); err != nil {
			h.fail(c, err)
			return
		}
		msg := "You no longer follow this " + string(typ) + "."
		if on {
			msg = "You follow this " + string(typ) + ": you will be told of its changes."
		}
		h.done(c, msg, prefix+c.Param("id"))
	}
}

// followingOf says whether the signed-in person follows the subject (false for anyone else).
func (h *Handler) followingOf(c *gin.Context, typ casereview.FollowSubject, id string) (bool, bool) {
	if _, ok := identityOf(c); !ok {
		return false, false
	}
	on, err := h.svc.Following(c.Request.Context(), typ, id)
	return on, err == nil
}

// savedSearchLine is one saved search on the account page, with the address that runs it.
type savedSearchLine struct {
	casereview.SavedSearch
	Href string
}

func savedSearchHref(x casereview.SavedSearch) string {
	if x.Query == "" {
		return "/search"
	}
	return "/search?" + x.Query
}
