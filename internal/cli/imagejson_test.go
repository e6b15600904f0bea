package cli

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/image"
)

// TestImageLsJSONSchema: the script tests only see the fake engine's empty
// image list, so a filled document (a default image in use, a variant, an
// unused build leftover) is checked against $defs/ls here.
func TestImageLsJSONSchema(t *testing.T) {
	created := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	doc := imageLsDoc{Schema: schemaImage, Images: []image.Info{
		{Ref: image.DefaultRef(), ID: "0123456789ab", Recipe: "947c08e05e99", Size: 123456789, Created: created,
			UsedBy: []string{"drill", "pair"}, Current: true},
		{Ref: image.Repository + ":947c08e05e99-pg", ID: "ba9876543210", Recipe: "947c08e05e99", Base: image.DefaultRef(),
			Packages: []string{"postgresql"}, Size: 223456789, Created: created},
		{Ref: image.Repository + "-build:947c08e05e99", ID: "aaaaaaaaaaaa", Created: created, Build: true},
	}}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateJSONDoc("ls", string(b)); err != nil {
		t.Fatal(err)
	}
	bad := `{"schema": "labdojo.image/v1", "images": [{"ref": "debian:12", "id": "x", "recipe": "", "size": 1, "created": "2026-11-30T03:00:00Z", "used_by": null, "current": false}]}`
	if err := validateJSONDoc("ls", bad); err == nil {
		t.Fatal("an image that is not labdojo/node passes $defs/ls")
	}
}
