//! The caller behind a verified access token, whose account may still need the active check.
//!
//! [`AuthService::identify`](super::AuthService::identify) verifies the token and answers
//! from the user gate while it is fresh. When the gate does not know the user, the check stays
//! open in the [`Bearer`]: a use case whose own read can answer it (the feed's first page reads
//! only an active viewer's rows) closes it for free ([`Bearer::found_active`],
//! [`Bearer::found_inactive`]), any other
//! [`confirms`](Bearer::confirm) it with the gate's query. Either way the answer is stored in
//! the gate under the epoch taken when the token was identified, so a ban or deletion on this
//! instance in between is never overwritten by an older answer.
//!
//! # Example
//!
//! ```
//! use ciel_app::auth::Bearer;
//! use ciel_app::AppError;
//! use ciel_domain::UserId;
//!
//! let ann = UserId::generate();
//! let known = Bearer::confirmed(ann);
//! assert!(known.is_settled());
//! assert_eq!(known.found_active(), ann);
//! // What a read finds out is what the request gets.
//! let refused = Bearer::confirmed(ann).found_inactive();
//! assert!(matches!(refused, AppError::Unauthenticated(_)));
//! //! ```

use super::INVALID_TOKEN;
use crate::error::AppError;
use crate::user_gate::{Epoch, UserGate};
use chrono::Utc;
use ciel_domain::UserId;
use ciel_domain::ports::AccountRepo;
use std::sync::Arc;

/// What is needed to answer and record an open check.
#[derive(Clone)]
struct OpenCheck {
    gate: UserGate,
    epoch: Epoch,
    accounts: Arc<dyn AccountRepo>,
}

/// A caller with a valid access token; see the module documentation.
#[derive(Clone)]
pub struct Bearer {
    user: UserId,
    open: Option<OpenCheck>,
}

impl std::fmt::Debug for Bearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bearer")
            .field("user", &self.user)
            .field("settled", &self.is_settled())
            .finish()
    }
}

impl Bearer {
    /// A caller already known to be active (authenticated earlier in the same request).
    pub fn confirmed(user: UserId) -> Self {
        Self { user, open: None }
    }

    /// A caller whose check is open: `epoch` was taken before anything was read about them.
    pub(super) fn unchecked(
        user: UserId,
        gate: UserGate,
        epoch: Epoch,
        accounts: Arc<dyn AccountRepo>,
    ) -> Self {
        Self {
            user,
            open: Some(OpenCheck {
                gate,
                epoch,
                accounts,
            }),
        }
    }

    /// Who the token names (not yet known to be active unless [`is_settled`](Self::is_settled)).
    pub fn user(&self) -> UserId {
        self.user
    }

    /// Whether the caller is known to be active.
    pub fn is_settled(&self) -> bool {
        self.open.is_none()
    }

    /// Closes the check with what a read that began after the token was identified found:
    /// the account is active. The answer is kept in the gate.
    pub fn found_active(self) -> UserId {
        if let Some(open) = self.open {
            open.gate.store_active(self.user, open.epoch, true);
        }
        self.user
    }

    /// Closes the check the other way: the read found no active account. The answer is kept
    /// in the gate, and the request gets the contract's 401.
    pub fn found_inactive(self) -> AppError {
        if let Some(open) = self.open {
            open.gate.store_active(self.user, open.epoch, false);
        }
        AppError::Unauthenticated(INVALID_TOKEN.into())
    }

    /// Closes the check with the gate's own query when nothing else answered it.
    pub async fn confirm(self) -> Result<UserId, AppError> {
        let Some(open) = &self.open else {
            return Ok(self.user);
        };
        let active = open
            .accounts
            .is_active(self.user, Utc::now())
            .await
            .map_err(AppError::internal)?;
        if active {
            Ok(self.found_active())
        } else {
            Err(self.found_inactive())
        }
    }
}
