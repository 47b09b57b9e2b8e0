use crate::{both, now};
use domain::{Email, Role};
use jiff::SignedDuration;
use store::{NewCompany, NewInvite, PrincipalKind, SessionPolicy, Store, StoreError};

async fn company(s: &Store, email: &str) -> store::Principal {
    let email = Email::parse(email).unwrap();
    s.create_company(
        NewCompany {
            name: "Acme",
            timezone: "UTC",
            owner_email: &email,
            owner_password_hash: "hash",
        },
        now(),
    )
    .await
    .unwrap()
}

both!(
    signup_creates_owner_and_rejects_duplicate_email,
    sessions_expire_when_idle_and_absolutely,
    tenants_cannot_see_each_others_users,
    password_change_revokes_other_sessions_and_tokens,
    last_owner_cannot_be_demoted_or_removed,
    invites_work_once,
    rate_limit_counts_per_window,
);

async fn signup_creates_owner_and_rejects_duplicate_email(s: Store) {
    let p = company(&s, "boss@acme.test").await;
    assert_eq!(p.role(), Some(Role::Owner));
    assert_eq!(s.company(&p.tenant).await.unwrap().name, "Acme");
    let email = Email::parse("BOSS@acme.test").unwrap();
    let dup = s
        .create_company(
            NewCompany {
                name: "Other",
                timezone: "UTC",
                owner_email: &email,
                owner_password_hash: "h",
            },
            now(),
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict("email"))), "{dup:?}");
    let login = s.login_user(&email).await.unwrap().unwrap();
    assert_eq!(login.password_hash, "hash");
    assert_eq!(login.into_principal(), p);
}

async fn sessions_expire_when_idle_and_absolutely(s: Store) {
    let p = company(&s, "a@acme.test").await;
    let policy = SessionPolicy::default();
    let h = [1u8; 32];
    s.create_session(&p, &h, "csrf", Default::default(), now())
        .await
        .unwrap();
    let got = s.session(&h, now(), policy).await.unwrap().unwrap();
    assert_eq!(got.principal, p);
    assert_eq!(got.csrf_token, "csrf");
    // Idle for longer than the idle timeout: gone, and stays gone.
    let later = now() + SignedDuration::from_hours(13);
    assert!(s.session(&h, later, policy).await.unwrap().is_none());
    assert!(s.session(&h, now(), policy).await.unwrap().is_none());

    // Kept alive every few hours, it still ends at the absolute limit.
    let h2 = [2u8; 32];
    s.create_session(&p, &h2, "c", Default::default(), now())
        .await
        .unwrap();
    let mut t = now();
    let mut ended_at = None;
    for _ in 0..(15 * 24 / 6) {
        t += SignedDuration::from_hours(6);
        if s.session(&h2, t, policy).await.unwrap().is_none() {
            ended_at = Some(t.duration_since(now()));
            break;
        }
    }
    let ended_at = ended_at.expect("session never expired");
    assert!(
        ended_at > SignedDuration::from_hours(13 * 24),
        "kept alive by use until near the limit"
    );
    assert!(
        ended_at <= SignedDuration::from_hours(14 * 24 + 6),
        "absolute expiry: {ended_at:?}"
    );
    s.delete_session(&h2).await.unwrap();
}

async fn tenants_cannot_see_each_others_users(s: Store) {
    let a = company(&s, "a@a.test").await;
    let b = company(&s, "b@b.test").await;
    let a_user = a.user_id().unwrap();
    assert!(matches!(
        s.user(&b.tenant, a_user).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.set_role(&b.tenant, a_user, Role::Viewer).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.remove_user(&b.tenant, a_user).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.set_password(&b.tenant, a_user, "x", None).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.users(&b.tenant).await.unwrap().len(), 1);
    assert_eq!(s.user(&a.tenant, a_user).await.unwrap().email, "a@a.test");
}

async fn password_change_revokes_other_sessions_and_tokens(s: Store) {
    let p = company(&s, "a@a.test").await;
    let (keep, other, tok) = ([3u8; 32], [4u8; 32], [5u8; 32]);
    s.create_session(&p, &keep, "c", Default::default(), now())
        .await
        .unwrap();
    s.create_session(&p, &other, "c", Default::default(), now())
        .await
        .unwrap();
    s.create_api_token(&p, "cli", &tok, now()).await.unwrap();
    assert!(s.principal_by_token(&tok, now()).await.unwrap().is_some());
    s.set_password(&p.tenant, p.user_id().unwrap(), "new", Some(&keep))
        .await
        .unwrap();
    let pol = SessionPolicy::default();
    assert!(s.session(&keep, now(), pol).await.unwrap().is_some());
    assert!(s.session(&other, now(), pol).await.unwrap().is_none());
    assert!(s.principal_by_token(&tok, now()).await.unwrap().is_none());
}

async fn last_owner_cannot_be_demoted_or_removed(s: Store) {
    let p = company(&s, "a@a.test").await;
    let me = p.user_id().unwrap();
    assert!(matches!(
        s.set_role(&p.tenant, me, Role::Viewer).await,
        Err(StoreError::Rule(_))
    ));
    assert!(matches!(
        s.remove_user(&p.tenant, me).await,
        Err(StoreError::Rule(_))
    ));
}

async fn invites_work_once(s: Store) {
    let p = company(&s, "a@a.test").await;
    let email = Email::parse("sup@a.test").unwrap();
    let h = [9u8; 32];
    let exp = now() + SignedDuration::from_hours(72);
    s.create_invite(
        &p.tenant,
        NewInvite {
            email: &email,
            role: Role::Supervisor,
            token_hash: &h,
            invited_by: p.user_id().unwrap(),
            expires_at: exp,
        },
        now(),
    )
    .await
    .unwrap();
    let info = s.invite_by_token(&h, now()).await.unwrap().unwrap();
    assert_eq!(
        (info.email.as_str(), info.role, info.company_name.as_str()),
        ("sup@a.test", Role::Supervisor, "Acme")
    );
    assert!(
        s.invite_by_token(&h, exp + SignedDuration::from_secs(1))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    let sup = s.accept_invite(&h, "hash2", now()).await.unwrap();
    assert_eq!(sup.tenant, p.tenant);
    assert!(matches!(
        sup.kind,
        PrincipalKind::User {
            role: Role::Supervisor,
            ..
        }
    ));
    assert!(
        matches!(
            s.accept_invite(&h, "hash3", now()).await,
            Err(StoreError::NotFound)
        ),
        "second use"
    );
    assert_eq!(s.users(&p.tenant).await.unwrap().len(), 2);
}

async fn rate_limit_counts_per_window(s: Store) {
    let w = SignedDuration::from_secs(60);
    let t0 = jiff::Timestamp::from_second(1_790_000_040).unwrap();
    assert_eq!(s.rate_hit("login:ip", w, t0).await.unwrap().count, 1);
    assert_eq!(s.rate_hit("login:ip", w, t0).await.unwrap().count, 2);
    assert_eq!(s.rate_hit("other", w, t0).await.unwrap().count, 1);
    let next = s
        .rate_hit("login:ip", w, t0 + SignedDuration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(next.count, 1, "a new window starts from one");
    s.rate_reset("login:ip").await.unwrap();
    assert_eq!(s.rate_hit("login:ip", w, t0).await.unwrap().count, 1);
}
