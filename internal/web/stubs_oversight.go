package web

import "github.com/gin-gonic/gin"

// Screens still to be built; each answers "not found" until it is.

func (h *Handler) reviewEvidenceForm(c *gin.Context) { h.fail(c, errNotBuilt) }
func (h *Handler) reviewEvidence(c *gin.Context)     { h.fail(c, errNotBuilt) }
func (h *Handler) assessForm(c *gin.Context)         { h.fail(c, errNotBuilt) }
func (h *Handler) assess(c *gin.Context)             { h.fail(c, errNotBuilt) }
func (h *Handler) linkForm(c *gin.Context)           { h.fail(c, errNotBuilt) }
func (h *Handler) addLink(c *gin.Context)            { h.fail(c, errNotBuilt) }
func (h *Handler) removeLink(c *gin.Context)         { h.fail(c, errNotBuilt) }
func (h *Handler) decideSuggestion(c *gin.Context)   { h.fail(c, errNotBuilt) }
