//! The story store: stories, views, reactions and highlights.

use async_trait::async_trait;

/// Stories, views, reactions and highlights, inside a unit of work.
#[async_trait]
pub trait StoryStore: Send {}
