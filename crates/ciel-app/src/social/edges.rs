//! Follow, unfollow, block, unblock: one transaction each, then the feed caches.
//!
//! Locking: a follow locks the followee's user row before reading the facts it decides on, so
//! concurrent follows of one user run one after another (the follower limit cannot be
//! overshot) and a follow waits for a concurrent soft delete or block of that user. A block
//! locks both users' rows in id order (no deadlock between two blocks, or a block and a
//! follow, of the same pair).

use super::{
    SelfAction, SocialService, caller_gone, follower_limit, invalidate_feeds, refuse_self,
    user_not_found,
};
use crate::error::AppError;
use crate::trust;
use crate::tx::transact;
use ciel_domain::UserId;
use ciel_domain::graph::{FOLLOWER_LIMIT, FollowDecision, decide_follow};
use ciel_domain::notifications::NewNotification;
use ciel_domain::trust::TrustEvent;

impl SocialService {
    /// `caller` follows `target`. Idempotent: already following, or a block in either
    /// direction, is a silent no-op. A new edge gives the followee trust points and a
    /// `user_followed` notification in the same transaction. Returns whether the edge is new.
    pub async fn follow(&self, caller: UserId, target: UserId) -> Result<bool, AppError> {
        refuse_self(caller, target, SelfAction::Follow)?;
        let now = self.deps.clock.now();
        let created = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                tx.lock_active_user(target)
                    .await?
                    .ok_or_else(user_not_found)?;
                let facts = tx.follow_facts(caller, target, FOLLOWER_LIMIT).await?;
                match decide_follow(facts) {
                    FollowDecision::NoOp => return Ok(false),
                    FollowDecision::FollowerLimitReached => return Err(follower_limit()),
                    FollowDecision::Create => {}
                }
                let actor = tx.active_user(caller).await?.ok_or_else(caller_gone)?;
                if !tx.insert_follow(caller, target, now).await? {
                    return Ok(false);
                }
                trust::apply(tx, target, TrustEvent::FollowerGained, now).await?;
                if let Some(notification) = NewNotification::user_followed(&actor, target) {
                    tx.insert_notification(&notification, now).await?;
                }
                Ok(true)
            })
        })
        .await?;
        invalidate_feeds(self.deps.cache.as_deref(), &[caller]).await;
        Ok(created)
    }

    /// `caller` stops following `target`; succeeds also when they did not follow them.
    /// Returns whether an edge was removed. No notification, no trust change.
    pub async fn unfollow(&self, caller: UserId, target: UserId) -> Result<bool, AppError> {
        refuse_self(caller, target, SelfAction::Unfollow)?;
        let removed = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.delete_follow(caller, target).await?) })
        })
        .await?;
        invalidate_feeds(self.deps.cache.as_deref(), &[caller]).await;
        Ok(removed)
    }

    /// `caller` blocks `target` and the follows between them go, in both directions. Returns
    /// whether the block is new. Both users' feed caches are dropped (they lose each other).
    pub async fn block(&self, caller: UserId, target: UserId) -> Result<bool, AppError> {
        refuse_self(caller, target, SelfAction::Block)?;
        let now = self.deps.clock.now();
        let created = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move {
                let (first, second) = if caller.as_uuid() < target.as_uuid() {
                    (caller, target)
                } else {
                    (target, caller)
                };
                for user in [first, second] {
                    if tx.lock_active_user(user).await?.is_none() {
                        return Err(if user == target {
                            user_not_found()
                        } else {
                            caller_gone()
                        });
                    }
                }
                let created = tx.insert_block(caller, target, now).await?;
                tx.delete_follows_between(caller, target).await?;
                Ok(created)
            })
        })
        .await?;
        invalidate_feeds(self.deps.cache.as_deref(), &[caller, target]).await;
        Ok(created)
    }

    /// `caller` unblocks `target`; returns whether there was a block. Follows removed by the
    /// block stay removed.
    pub async fn unblock(&self, caller: UserId, target: UserId) -> Result<bool, AppError> {
        refuse_self(caller, target, SelfAction::Unblock)?;
        let removed = transact(&*self.deps.uow, move |tx| {
            Box::pin(async move { Ok(tx.delete_block(caller, target).await?) })
        })
        .await?;
        invalidate_feeds(self.deps.cache.as_deref(), &[caller]).await;
        Ok(removed)
    }
}
