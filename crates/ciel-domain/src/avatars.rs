//! Which avatar a user may set (contract §0 with the edge rules): a processed media they own
//! (named by its UUID), or a storage key under their own prefix (`uploads/{id}/…` where their
//! uploads land, `media/{id}/…` where their processed derivatives are written). Anything else
//! would let a user have the server presign another user's objects.
//!
//! # Example
//!
//! ```
//! use ciel_domain::UserId;
//! use ciel_domain::avatars::{AvatarRef, INVALID_AVATAR, parse_avatar};
//!
//! let me = UserId::generate();
//! let other = UserId::generate();
//! let own_key = format!("media/{me}/u1/medium.jpg");
//! assert_eq!(parse_avatar(&own_key, me), Ok(AvatarRef::Key(own_key.clone())));
//! assert_eq!(parse_avatar("", me), Ok(AvatarRef::Clear));
//! // Someone else's prefix, or walking out of one's own, is refused.
//! assert_eq!(parse_avatar(&format!("media/{other}/x.jpg"), me), Err(INVALID_AVATAR));
//! assert_eq!(parse_avatar(&format!("media/{me}/../x.jpg"), me), Err(INVALID_AVATAR));
//! ```

use crate::UserId;
use uuid::Uuid;

/// What an `avatar_key` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AvatarRef {
    /// A processed media id (to be checked against the caller's media).
    Media(Uuid),
    /// A storage key under the caller's own prefix.
    Key(String),
    /// An empty string: no avatar.
    Clear,
}

/// The message for every refused avatar.
pub const INVALID_AVATAR: &str = "invalid avatar";

/// Reads `raw` as `caller`'s avatar; `Err` when it is neither a media id nor a key under the
/// caller's prefix (or when it walks out of it with `.`/`..` segments, or has empty segments).
pub fn parse_avatar(raw: &str, caller: UserId) -> Result<AvatarRef, &'static str> {
    if raw.is_empty() {
        return Ok(AvatarRef::Clear);
    }
    if let Ok(id) = Uuid::parse_str(raw) {
        return Ok(AvatarRef::Media(id));
    }
    let own = [format!("uploads/{caller}/"), format!("media/{caller}/")];
    let rest = own
        .iter()
        .find_map(|prefix| raw.strip_prefix(prefix.as_str()))
        .ok_or(INVALID_AVATAR)?;
    let clean = !rest.is_empty()
        && rest
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
        && !raw.contains('\\')
        && raw.chars().all(|c| !c.is_control());
    if clean {
        Ok(AvatarRef::Key(raw.to_owned()))
    } else {
        Err(INVALID_AVATAR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_own_media_and_own_prefixes() {
        let me = UserId::from(Uuid::from_u128(7));
        let other = UserId::from(Uuid::from_u128(8));
        let media = Uuid::from_u128(99);
        assert_eq!(
            parse_avatar(&media.to_string(), me),
            Ok(AvatarRef::Media(media))
        );
        assert_eq!(parse_avatar("", me), Ok(AvatarRef::Clear));
        for ok in [
            format!("uploads/{me}/a.jpg"),
            format!("media/{me}/x/medium.webp"),
        ] {
            assert_eq!(parse_avatar(&ok, me), Ok(AvatarRef::Key(ok.clone())));
        }
        for bad in [
            format!("uploads/{other}/a.jpg"),
            format!("media/{other}/medium.webp"),
            format!("uploads/{me}/"),
            format!("uploads/{me}/../{other}/a.jpg"),
            format!("uploads/{me}//a.jpg"),
            format!("uploads/{me}/./a.jpg"),
            format!("/uploads/{me}/a.jpg"),
            format!("uploads/{me}/a\\..\\b"),
            format!("uploads/{me}/a\n.jpg"),
            format!("uploads/{me}"),
            "avatars/ann.jpg".to_owned(),
            format!("x/uploads/{me}/a.jpg"),
        ] {
            assert_eq!(parse_avatar(&bad, me), Err(INVALID_AVATAR), "{bad:?}");
        }
    }
}
