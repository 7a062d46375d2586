//! The index schema. Changing it bumps [`SCHEMA_VERSION`], which gives the
//! index a new folder, so an older index is rebuilt rather than misread.

use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, STRING, Schema, TextFieldIndexing,
    TextOptions,
};

use super::analysis::{PLAIN, STEMMED};

pub const SCHEMA_VERSION: u32 = 2;

/// Handles of the index's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The post id: the key for updates (delete, then add).
    pub id: Field,
    pub kind: Field,
    pub title: Field,
    pub question: Field,
    pub answer: Field,
    /// Tag names, as words.
    pub tags: Field,
    /// Tag slugs as facets: filters and facet counts.
    pub tag_facet: Field,
    pub category: Field,
    /// Every word of the post, unstemmed: the vocabulary.
    pub words: Field,
    /// Every word of the post, stemmed, in one field: what candidates are
    /// retrieved by before the weighted fields rank them.
    pub all: Field,
}

/// The scored fields and their weights: a match in the title or the
/// question says more about what a post answers than one in a long answer.
pub const FIELD_WEIGHTS: [(FieldName, f32); 4] = [
    (FieldName::Title, 3.0),
    (FieldName::Question, 2.0),
    (FieldName::Tags, 1.5),
    (FieldName::Answer, 1.0),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldName {
    Title,
    Question,
    Tags,
    Answer,
}

impl Fields {
    pub fn get(&self, name: FieldName) -> Field {
        match name {
            FieldName::Title => self.title,
            FieldName::Question => self.question,
            FieldName::Tags => self.tags,
            FieldName::Answer => self.answer,
        }
    }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(STEMMED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let plain = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(PLAIN)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let all = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(STEMMED)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_u64_field(
            "id",
            NumericOptions::default()
                .set_indexed()
                .set_fast()
                .set_stored(),
        ),
        kind: b.add_text_field("kind", STRING),
        title: b.add_text_field("title", stemmed.clone()),
        question: b.add_text_field("question", stemmed.clone()),
        answer: b.add_text_field("answer", stemmed.clone()),
        tags: b.add_text_field("tags", stemmed),
        tag_facet: b.add_facet_field("tag_facet", FacetOptions::default()),
        category: b.add_text_field("category", STRING),
        words: b.add_text_field("words", plain),
        all: b.add_text_field("all", all),
    };
    (b.build(), fields)
}
