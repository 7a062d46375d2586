use tantivy::TantivyDocument;
use tantivy::schema::Facet;

use super::schema::Fields;
use crate::store::IndexablePost;

/// The index document of a published post.
pub fn to_document(f: &Fields, post: &IndexablePost) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, post.id as u64);
    doc.add_text(f.kind, post.kind.as_str());
    doc.add_text(f.title, &post.title);
    doc.add_text(f.question, &post.question);
    doc.add_text(f.answer, &post.answer);
    for (name, slug) in &post.tags {
        doc.add_text(f.tags, name);
        doc.add_facet(f.tag_facet, Facet::from_path([slug.as_str()]));
        doc.add_text(f.words, name);
        doc.add_text(f.all, name);
    }
    if let Some(category) = &post.category_slug {
        doc.add_text(f.category, category);
    }
    doc.add_text(f.words, &post.title);
    doc.add_text(f.words, &post.question);
    doc.add_text(f.words, &post.answer);
    for text in [&post.title, &post.question, &post.answer] {
        doc.add_text(f.all, text);
    }
    doc
}
