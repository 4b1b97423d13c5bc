//! Posts: the read model every post response is built from, the rules of a new post (caption
//! length, 1–10 distinct media) and of a comment body (contract §1.7), likes and comments.
//!
//! # Example
//!
//! ```
//! use ciel_domain::MediaId;
//! use ciel_domain::posts::{PostRuleError, check_caption, check_comment_body, check_media_ids};
//!
//! let photo = MediaId::generate();
//! assert_eq!(check_media_ids(&[photo]), Ok(()));
//! assert_eq!(check_media_ids(&[]), Err(PostRuleError::NoMedia));
//! assert_eq!(check_media_ids(&[photo, photo]), Err(PostRuleError::DuplicateMedia));
//! assert_eq!(check_caption(Some(&"x".repeat(2201))), Err(PostRuleError::CaptionTooLong));
//! assert!(check_comment_body("   ").is_err());
//! assert_eq!(check_comment_body("Lovely light"), Ok(()));
//! ```

use crate::time::Timestamp;
use crate::visibility::PostVisibility;
use crate::{CommentId, LikeId, MediaId, PostId, UserId};
use std::collections::HashSet;

/// A post with what every response shows of its owner and media (contract §1.8 Post, without
/// counts and URLs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    /// Its id.
    pub id: PostId,
    /// The author.
    pub owner_id: UserId,
    /// The author's handle.
    pub owner_handle: Option<String>,
    /// The author's display name.
    pub owner_display_name: Option<String>,
    /// The author's avatar key (signed into `owner_avatar_url`, never sent raw).
    pub owner_avatar_key: Option<String>,
    /// The post's media, in position order.
    pub media_ids: Vec<MediaId>,
    /// The caption.
    pub caption: Option<String>,
    /// Creation time (the list sort key with `id`).
    pub created_at: Timestamp,
    /// Who may see it.
    pub visibility: PostVisibility,
}

/// Engagement counts of one post, always equal to the rows they count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PostCounts {
    /// Likes.
    pub like_count: i64,
    /// Comments.
    pub comment_count: i64,
}

/// The longest post caption, in UTF-8 bytes.
pub const CAPTION_MAX_BYTES: usize = 2200;
/// The most images a post may have.
pub const MAX_MEDIA_PER_POST: usize = 10;
/// The longest comment body, in characters (Unicode scalar values).
pub const COMMENT_MAX_CHARS: usize = 1000;

/// A post or comment input that breaks a rule; the message is the contract's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PostRuleError {
    /// No media at all.
    #[error("at least one media_id is required")]
    NoMedia,
    /// More than ten media.
    #[error("maximum 10 images per post")]
    TooManyMedia,
    /// The same media twice.
    #[error("media_ids must be unique")]
    DuplicateMedia,
    /// A caption over 2200 bytes.
    #[error("caption must be at most 2200 characters")]
    CaptionTooLong,
    /// A media that is unknown, someone else's, or not processed yet.
    #[error("invalid media_id")]
    InvalidMedia,
    /// A blank comment.
    #[error("comment body cannot be empty")]
    EmptyComment,
    /// A comment over 1000 characters.
    #[error("comment body exceeds 1000 characters")]
    CommentTooLong,
}

/// Checks a caption (none is fine): at most 2200 bytes.
pub fn check_caption(caption: Option<&str>) -> Result<(), PostRuleError> {
    match caption {
        Some(c) if c.len() > CAPTION_MAX_BYTES => Err(PostRuleError::CaptionTooLong),
        _ => Ok(()),
    }
}

/// Checks a new post's media list, in the contract's order: not empty, at most ten, distinct.
pub fn check_media_ids(ids: &[MediaId]) -> Result<(), PostRuleError> {
    if ids.is_empty() {
        return Err(PostRuleError::NoMedia);
    }
    if ids.len() > MAX_MEDIA_PER_POST {
        return Err(PostRuleError::TooManyMedia);
    }
    let distinct: HashSet<&MediaId> = ids.iter().collect();
    if distinct.len() != ids.len() {
        return Err(PostRuleError::DuplicateMedia);
    }
    Ok(())
}

/// Checks a comment body: not blank, at most 1000 characters. The body is stored as sent.
pub fn check_comment_body(body: &str) -> Result<(), PostRuleError> {
    if body.trim().is_empty() {
        return Err(PostRuleError::EmptyComment);
    }
    if body.chars().count() > COMMENT_MAX_CHARS {
        return Err(PostRuleError::CommentTooLong);
    }
    Ok(())
}

/// A post to store, already checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPost {
    /// Its id.
    pub id: PostId,
    /// The author.
    pub owner_id: UserId,
    /// The caption.
    pub caption: Option<String>,
    /// Its media in position order (position = index).
    pub media_ids: Vec<MediaId>,
    /// Who may see it.
    pub visibility: PostVisibility,
    /// Creation time.
    pub created_at: Timestamp,
}

/// The sort key of a post in a list: `(created_at, id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PostKey {
    /// Its id.
    pub id: PostId,
    /// Creation time.
    pub created_at: Timestamp,
}

/// A like (contract §1.8 Like).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Like {
    /// Its id.
    pub id: LikeId,
    /// Who liked.
    pub user_id: UserId,
    /// The post.
    pub post_id: PostId,
    /// When.
    pub created_at: Timestamp,
}

/// A comment with its author's handle and display name (contract §1.8 Comment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Its id.
    pub id: CommentId,
    /// The author.
    pub user_id: UserId,
    /// The post.
    pub post_id: PostId,
    /// The text, as sent.
    pub body: String,
    /// When.
    pub created_at: Timestamp,
    /// The author's handle.
    pub user_handle: Option<String>,
    /// The author's display name.
    pub user_display_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<MediaId> {
        (0..n).map(|_| MediaId::generate()).collect()
    }

    #[test]
    fn media_lists_follow_the_contract_order() {
        assert_eq!(check_media_ids(&[]), Err(PostRuleError::NoMedia));
        assert_eq!(check_media_ids(&ids(1)), Ok(()));
        assert_eq!(check_media_ids(&ids(10)), Ok(()));
        assert_eq!(check_media_ids(&ids(11)), Err(PostRuleError::TooManyMedia));
        let one = MediaId::generate();
        assert_eq!(
            check_media_ids(&[one, MediaId::generate(), one]),
            Err(PostRuleError::DuplicateMedia)
        );
        // Eleven duplicates: the count rule comes first.
        assert_eq!(
            check_media_ids(&[one; 11]),
            Err(PostRuleError::TooManyMedia)
        );
        assert_eq!(PostRuleError::InvalidMedia.to_string(), "invalid media_id");
    }

    #[test]
    fn captions_count_bytes() {
        assert_eq!(check_caption(None), Ok(()));
        assert_eq!(check_caption(Some(&"a".repeat(2200))), Ok(()));
        assert_eq!(
            check_caption(Some(&"a".repeat(2201))),
            Err(PostRuleError::CaptionTooLong)
        );
        // 1100 two-byte characters are 2200 bytes; one more is over.
        assert_eq!(check_caption(Some(&"é".repeat(1100))), Ok(()));
        assert_eq!(
            check_caption(Some(&"é".repeat(1101))),
            Err(PostRuleError::CaptionTooLong)
        );
        assert_eq!(
            PostRuleError::CaptionTooLong.to_string(),
            "caption must be at most 2200 characters"
        );
    }

    #[test]
    fn comment_bodies_count_characters() {
        assert_eq!(
            check_comment_body(" \n\t"),
            Err(PostRuleError::EmptyComment)
        );
        assert_eq!(check_comment_body(""), Err(PostRuleError::EmptyComment));
        assert_eq!(check_comment_body(&"é".repeat(1000)), Ok(()));
        assert_eq!(
            check_comment_body(&"a".repeat(1001)),
            Err(PostRuleError::CommentTooLong)
        );
        assert_eq!(
            PostRuleError::EmptyComment.to_string(),
            "comment body cannot be empty"
        );
        assert_eq!(
            PostRuleError::CommentTooLong.to_string(),
            "comment body exceeds 1000 characters"
        );
    }
}
