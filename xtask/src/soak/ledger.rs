//! The ledger of acknowledged writes: every write the server answered with a 2xx, with its ids,
//! as the load generator saw it. The audit checks each entry against Postgres and S3.

use super::client::lock;
use std::sync::Mutex;
use uuid::Uuid;

/// One acknowledged post.
#[derive(Clone, Debug)]
pub struct AckedPost {
    /// The post.
    pub id: Uuid,
    /// Its author.
    pub owner: Uuid,
    /// Its media, in order.
    pub media: Vec<Uuid>,
}

/// One acknowledged `complete` of an upload.
#[derive(Clone, Debug)]
pub struct AckedUpload {
    /// The upload.
    pub id: Uuid,
    /// Its owner.
    pub owner: Uuid,
}

/// Everything acknowledged (append-only while the run lasts).
#[derive(Default)]
pub struct Ledger {
    /// Sign-ups (user ids).
    pub users: Mutex<Vec<Uuid>>,
    /// Follows (follower, followee).
    pub follows: Mutex<Vec<(Uuid, Uuid)>>,
    /// Posts.
    pub posts: Mutex<Vec<AckedPost>>,
    /// Likes (user, post).
    pub likes: Mutex<Vec<(Uuid, Uuid)>>,
    /// Comments (comment id, post).
    pub comments: Mutex<Vec<(Uuid, Uuid)>>,
    /// Completed-upload acknowledgements (202 on complete).
    pub uploads: Mutex<Vec<AckedUpload>>,
}

/// Counts for the progress line and the summary.
#[derive(Clone, Copy, Debug)]
pub struct Counts {
    /// Users.
    pub users: usize,
    /// Follows.
    pub follows: usize,
    /// Posts.
    pub posts: usize,
    /// Likes.
    pub likes: usize,
    /// Comments.
    pub comments: usize,
    /// Uploads.
    pub uploads: usize,
}

impl Ledger {
    /// Records a sign-up.
    pub fn user(&self, id: Uuid) {
        lock(&self.users).push(id);
    }

    /// Records a follow.
    pub fn follow(&self, follower: Uuid, followee: Uuid) {
        lock(&self.follows).push((follower, followee));
    }

    /// Records a post.
    pub fn post(&self, post: AckedPost) {
        lock(&self.posts).push(post);
    }

    /// Records a like.
    pub fn like(&self, user: Uuid, post: Uuid) {
        lock(&self.likes).push((user, post));
    }

    /// Records a comment.
    pub fn comment(&self, id: Uuid, post: Uuid) {
        lock(&self.comments).push((id, post));
    }

    /// Records an acknowledged `complete`.
    pub fn upload(&self, upload: AckedUpload) {
        lock(&self.uploads).push(upload);
    }

    /// How many of each.
    pub fn counts(&self) -> Counts {
        Counts {
            users: lock(&self.users).len(),
            follows: lock(&self.follows).len(),
            posts: lock(&self.posts).len(),
            likes: lock(&self.likes).len(),
            comments: lock(&self.comments).len(),
            uploads: lock(&self.uploads).len(),
        }
    }
}
