package web

import "github.com/gin-gonic/gin"

// Screens still to be built; each answers "not found" until it is.

func (h *Handler) recommendation(c *gin.Context) { h.fail(c, errNotBuilt) }
func (h *Handler) respondForm(c *gin.Context)    { h.fail(c, errNotBuilt) }
func (h *Handler) respond(c *gin.Context)        { h.fail(c, errNotBuilt) }
func (h *Handler) newActionForm(c *gin.Context)  { h.fail(c, errNotBuilt) }
func (h *Handler) newAction(c *gin.Context)      { h.fail(c, errNotBuilt) }
func (h *Handler) editActionForm(c *gin.Context) { h.fail(c, errNotBuilt) }
func (h *Handler) editAction(c *gin.Context)     { h.fail(c, errNotBuilt) }
func (h *Handler) progressForm(c *gin.Context)   { h.fail(c, errNotBuilt) }
func (h *Handler) progress(c *gin.Context)       { h.fail(c, errNotBuilt) }
func (h *Handler) evidenceForm(c *gin.Context)   { h.fail(c, errNotBuilt) }
func (h *Handler) addEvidence(c *gin.Context)    { h.fail(c, errNotBuilt) }
func (h *Handler) evidenceFile(c *gin.Context)   { h.fail(c, errNotBuilt) }
